import type { InferIn, InferOut, SchemaLike } from '../schema/infer.ts'
import type { Access, ActionContext, HandlerInput } from './types.ts'

/** Brand that marks a resolvable field, shared across module copies. */
const RESOLVER_BRAND = Symbol.for('serval.resolver')

/** The definition of a resolvable field: its arguments, output, access rule, batching. */
export interface ResolverDef<I extends SchemaLike | undefined = SchemaLike | undefined, O extends SchemaLike | undefined = SchemaLike | undefined, B extends boolean = boolean> {
  readonly description?: string
  /** The field's arguments (an object schema). */
  readonly input?: I
  readonly output?: O
  /** Who may select the field; default: the action's own rule. */
  readonly access?: Access<HandlerInput<I>>
  /** The handler gets every parent of the query at once (`ctx.parents`) and returns one value per parent. */
  readonly batch?: B
}

/** The `ctx` of a resolver: the action context plus its parent (or, batched, every parent). */
export type ResolverContext<P, B extends boolean> = ActionContext & (B extends true ? { readonly parents: readonly P[] } : { readonly parent: P })

type FieldValue<O> = [O] extends [undefined] ? unknown : InferIn<O>

/** What a resolver returns: one value, or one per parent when batched. */
export type ResolverReturn<O, B extends boolean> = B extends true ? readonly FieldValue<O>[] | Promise<readonly FieldValue<O>[]> : FieldValue<O> | Promise<FieldValue<O>>

/** A resolvable field of parent type `P`, made by `resolver()`. */
export interface Resolver<P = never> {
  readonly [RESOLVER_BRAND]: true
  readonly def: ResolverDef
  readonly handler: (args: any, ctx: any) => unknown
  /** Phantom: the parent type the handler expects. */
  readonly '~parent'?: (parent: P) => void
}

/** The parent of an action's fields: its output, or its item when the output is a list. */
export type FieldParent<O> = [O] extends [undefined] ? unknown : InferOut<O> extends readonly (infer Item)[] ? Item : InferOut<O>

/**
 * A field GraphQL resolves only when a query selects it (SPEC §9), declared
 * in an action's `fields`. `ctx.parent` is the action's output (its item,
 * for a list); with `batch: true` the handler gets `ctx.parents` and
 * returns a list in the same order, so N parents cost one call.
 *
 * @example
 * ```ts
 * fields: { factorial: resolver({ output: z.number().int() }, (_args, { parent }) => fact(parent.value)) }
 * ```
 */
export function resolver<P, const I extends SchemaLike | undefined = undefined, const O extends SchemaLike | undefined = undefined, const B extends boolean = false>(
  def: ResolverDef<I, O, B>,
  handler: (args: HandlerInput<I>, ctx: ResolverContext<P, B>) => ResolverReturn<O, B>,
): Resolver<P> {
  if (typeof handler !== 'function') throw new TypeError('resolver(def, handler): handler must be a function')
  return Object.freeze({ [RESOLVER_BRAND]: true as const, def: def as ResolverDef, handler })
}

/**
 * True for a value made by `resolver()`.
 *
 * @example
 * ```ts
 * Object.values(def.fields ?? {}).every(isResolver)
 * ```
 */
export function isResolver(value: unknown): value is Resolver<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RESOLVER_BRAND] === true
}
