import type { InferIn, InferOut, SchemaLike } from '../schema/infer.ts'
import type { Access, ActionContext, CacheOptions, HandlerInput } from './types.ts'

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
  /**
   * Keep the field's values for `ttl` seconds, keyed by its arguments and its
   * parent (batched: the list of parents) and, `private` (the default when
   * auth is on), the caller's `sub`: the result cache of actions.
   */
  readonly cache?: CacheOptions
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
 * `resolver` with the parent type already bound: what a function-valued
 * `fields` receives, so `ctx.parent` is typed from the action's output
 * without an annotation.
 *
 * @example
 * ```ts
 * fields: (field) => ({ factorial: field({ output: z.number().int() }, (_args, { parent }) => fact(parent.value)) })
 * ```
 */
export type FieldFactory<P> = <const I extends SchemaLike | undefined = undefined, const O extends SchemaLike | undefined = undefined, const B extends boolean = false>(
  def: ResolverDef<I, O, B>,
  handler: (args: HandlerInput<I>, ctx: ResolverContext<P, B>) => ResolverReturn<O, B>,
) => Resolver<P>

/**
 * An action's `fields`: resolvers by name, or a function of `field` (the
 * typed `resolver`) that returns them. The function form is how `ctx.parent`
 * infers: TypeScript infers the action's output from `output` before it
 * checks a function-valued property (a property that is a `resolver(…)`
 * call is checked before, while the output type is still unknown).
 *
 * @example
 * ```ts
 * const fields: Fields<typeof Stats> = (field) => ({ double: field({ output: z.number() }, (_a, { parent }) => parent.value * 2) })
 * ```
 */
export type Fields<O> = Readonly<Record<string, Resolver<FieldParent<O>>>> | ((field: FieldFactory<FieldParent<O>>) => Readonly<Record<string, Resolver<FieldParent<O>>>>)

const resolved = new WeakMap<object, Readonly<Record<string, Resolver<unknown>>>>()

/**
 * The resolvers of an action's `fields`, whichever form it has (the function is called once).
 *
 * @example
 * ```ts
 * Object.keys(fieldsOf(action.def.fields)) // ['factorial', 'power']
 * ```
 */
export function fieldsOf(fields: Fields<unknown> | undefined): Readonly<Record<string, Resolver<unknown>>> {
  if (fields === undefined) return {}
  if (typeof fields !== 'function') return fields as Readonly<Record<string, Resolver<unknown>>>
  let out = resolved.get(fields)
  if (!out) resolved.set(fields, (out = fields(resolver as FieldFactory<unknown>) as Readonly<Record<string, Resolver<unknown>>>))
  return out
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
