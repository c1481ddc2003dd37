import type { SchemaLike } from '../schema/infer.ts'
import {
  ACTION_BRAND,
  type Action,
  type ActionDef,
  type ActionOutput,
  type AnyAction,
  type ActionContext,
  type Handler,
  type HandlerInput,
  type HandlerReturn,
  type TypedInput,
} from './types.ts'

/**
 * Defines an action: a typed function Serval serves over REST, the CLI,
 * jobs and every other transport. Input and output types infer from the
 * schemas into the handler.
 *
 * @example
 * ```ts
 * export const sayHello = action({
 *   description: 'Greet a user',
 *   input: z.object({ name: z.string().max(100) }),
 *   output: z.string(),
 *   http: 'GET',
 * }, async ({ name }) => `Hello ${name}!`)
 * ```
 *
 * Without `input`/`output`, the handler's types are the schemas:
 * ```ts
 * export const greet = action({}, async (input: { name: string }) => `Hello ${input.name}!`)
 * ```
 */
export function action<
  const I extends SchemaLike | undefined = undefined,
  const O extends SchemaLike | undefined = undefined,
  R extends HandlerReturn<O> = HandlerReturn<O>,
  P = HandlerInput<I>,
>(
  def: ActionDef<I, O>,
  // Without an input schema the handler's parameter type is the input (its schema is derived from it: docs/types.md).
  handler: [I] extends [undefined] ? (input: P, ctx: ActionContext) => R : Handler<I, R>,
): Action<{ input: TypedInput<I, P>; output: ActionOutput<O, R> }> {
  if (typeof handler !== 'function') throw new TypeError('action(def, handler): handler must be a function')
  if (def === null || typeof def !== 'object') throw new TypeError('action(def, handler): def must be an object')
  return Object.freeze({ [ACTION_BRAND]: true as const, def: def as ActionDef, handler })
}

/**
 * True for a value made by `action()` (in any copy of Serval).
 *
 * @example
 * ```ts
 * for (const value of Object.values(mod)) if (isAction(value)) register(value)
 * ```
 */
export function isAction(value: unknown): value is AnyAction {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ACTION_BRAND] === true
}

/**
 * `sayHello` → `say-hello`, `generated_1` → `generated-1`, `HTTPServer` → `http-server`.
 *
 * @example
 * ```ts
 * kebabCase('sayHello') // 'say-hello'
 * ```
 */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[_\s.]+/g, '-')
    .replace(/-+/g, '-')
    .toLowerCase()
}
