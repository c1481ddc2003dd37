import type { Action, ActionTypes, AnyAction } from '../action/types.ts'
import { ServalError } from '../errors/index.ts'
import { compileInput, invalidInput, type CompiledSchema } from '../schema/index.ts'
import type { SchemaLike } from '../schema/infer.ts'
import {
  CHANNEL_BRAND,
  CHANNEL_SINKS,
  type AnyChannel,
  type Channel,
  type ChannelDef,
  type ChannelKind,
  type ChannelSink,
  type EventIn,
  type PublishOptions,
  type WebhookDef,
} from './types.ts'

/**
 * Defines a WebSocket channel: clients subscribe at `GET /channels/{name}`
 * or over `/ws`; `publish` reaches every subscriber, on every instance.
 *
 * @example
 * ```ts
 * export const messenger = channel('messenger', { event: z.object({ text: z.string() }), access: 'public' })
 * await messenger.publish({ text: 'hi' })
 * ```
 */
export function channel<const E extends SchemaLike>(name: string, def: ChannelDef<E>): Channel<EventIn<E>> {
  return make('websocket', name, def as ChannelDef, undefined)
}

/**
 * Defines a webhook channel: each publish is POSTed to `url`, signed, and
 * retried with backoff through the job system until it is accepted.
 *
 * @example
 * ```ts
 * export const orders = webhook('orders', { url: 'https://example.com/hook', event: Order, secret: process.env.HOOK_SECRET! })
 * ```
 */
export function webhook<const E extends SchemaLike>(name: string, def: WebhookDef<E>): Channel<EventIn<E>> {
  if (typeof def?.url !== 'string' || typeof def.secret !== 'string' || def.secret === '') {
    throw new TypeError(`webhook("${name}"): url and a non-empty secret are required`)
  }
  return make('webhook', name, def as WebhookDef, undefined)
}

/**
 * A channel whose `publish(event)` submits one job of `action` with the event as its input.
 *
 * @example
 * ```ts
 * export const audit = background(recordAudit)
 * await audit.publish({ who: 'ann', what: 'login' })
 * ```
 */
export function background<T extends ActionTypes>(action: Action<T>): Channel<T['input']> {
  return make('background', undefined, { event: action.def.input, description: action.def.description }, action as AnyAction)
}

/**
 * True for a value made by `channel()`, `webhook()` or `background()` (in any copy of Serval).
 *
 * @example
 * ```ts
 * for (const value of Object.values(mod)) if (isChannel(value)) found.push(value)
 * ```
 */
export function isChannel(value: unknown): value is AnyChannel {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CHANNEL_BRAND] === true
}

function make<E>(kind: ChannelKind, name: string | undefined, def: AnyChannel['def'], action: AnyAction | undefined): Channel<E> {
  const sinks = new Set<ChannelSink>()
  let compiled: Promise<CompiledSchema> | undefined
  const validate = async (event: unknown): Promise<unknown> => {
    // A background channel's event is its action's input: the job submission validates it.
    if (kind === 'background') return event
    const schema = await (compiled ??= compileInput(def.event))
    let checked = schema.validate(event)
    if (checked instanceof Promise) checked = await checked
    if (!checked.ok) throw invalidInput(checked.issues)
    return checked.value
  }
  const publish = async (event: E, options: PublishOptions = {}): Promise<void> => {
    const value = await validate(event)
    if (sinks.size === 0 && kind !== 'websocket') throw detached(kind, name)
    await Promise.all([...sinks].map((sink) => sink(value, event, options)))
  }
  return Object.freeze({ [CHANNEL_BRAND]: true as const, [CHANNEL_SINKS]: sinks, kind, name, def, action, publish })
}

// A websocket channel outside a running app has no subscribers, so there is nothing to lose;
// a webhook or background event would be dropped silently.
function detached(kind: ChannelKind, name: string | undefined): ServalError {
  return new ServalError('unavailable', { detail: `The ${kind} channel${name ? ` "${name}"` : ''} is not part of a running app` })
}
