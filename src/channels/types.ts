import type { AnyAction } from '../action/types.ts'
import type { Principal } from '../auth/principal.ts'
import type { InferIn, InferOut, SchemaLike } from '../schema/infer.ts'

/** Brand that marks a channel, shared across module copies (like actions'); see `isChannel`. */
export const CHANNEL_BRAND: unique symbol = Symbol.for('serval.channel') as never
/** Where a channel keeps the apps it is attached to (one per app in a process). */
export const CHANNEL_SINKS: unique symbol = Symbol.for('serval.channel.sinks') as never

/**
 * Who may subscribe to a channel: as for actions, but a predicate sees only the principal.
 *
 * @example
 * ```ts
 * const access: ChannelAccess = (principal) => principal.groups.includes('staff')
 * ```
 */
export type ChannelAccess = 'public' | 'authenticated' | { readonly scopes: readonly string[] } | ((principal: Principal) => boolean | Promise<boolean>)

/**
 * The definition of a WebSocket channel.
 *
 * @example
 * ```ts
 * const def: ChannelDef<typeof Message> = { event: Message, access: 'public', filter: (e, p) => e.to === p?.sub }
 * ```
 */
export interface ChannelDef<E extends SchemaLike = SchemaLike> {
  /** The schema every published event is validated against. */
  readonly event: E
  /** Default: as for actions (`'authenticated'` when auth is on). */
  readonly access?: ChannelAccess
  /** Decides, per subscriber, whether it receives this event. */
  readonly filter?: (event: InferOut<E>, principal: Principal | null) => boolean
  readonly description?: string
}

/**
 * The definition of a webhook channel: each event is POSTed to `url`, signed with `secret`.
 *
 * @example
 * ```ts
 * const def: WebhookDef<typeof Order> = { url: 'https://example.com/hook', event: Order, secret: process.env.HOOK_SECRET! }
 * ```
 */
export interface WebhookDef<E extends SchemaLike = SchemaLike> {
  readonly url: string
  readonly event: E
  readonly secret: string
  /** Deliveries in all, first included (default 8). */
  readonly maxAttempts?: number
  readonly description?: string
}

/**
 * What `publish` accepts beside the event.
 *
 * @example
 * ```ts
 * await messenger.publish({ text: 'hi' }, { connectionId })
 * ```
 */
export interface PublishOptions {
  /** Deliver to this one subscriber only (wherever it is connected). */
  readonly connectionId?: string
}

/**
 * How an app receives what a channel publishes (validated already).
 *
 * @example
 * ```ts
 * channel[CHANNEL_SINKS].add(async (event) => hub.publish('messenger', event))
 * ```
 */
export type ChannelSink = (event: unknown, raw: unknown, options: PublishOptions) => Promise<void>

/**
 * The three kinds of channel.
 *
 * @example
 * ```ts
 * const kind: ChannelKind = 'webhook'
 * ```
 */
export type ChannelKind = 'websocket' | 'webhook' | 'background'

/**
 * A channel: made by `channel()`, `webhook()` or `background()`, exported
 * from a file in a function dir, published to from any action.
 *
 * @example
 * ```ts
 * await messenger.publish({ text: 'hi' })
 * ```
 */
export interface Channel<E = unknown> {
  readonly [CHANNEL_BRAND]: true
  readonly kind: ChannelKind
  /** Undefined for `background()`: the export name is used. */
  readonly name: string | undefined
  readonly def: ChannelDef | WebhookDef | { readonly event: SchemaLike | undefined; readonly description?: string }
  /** For `background()`: the action each event runs as a job. */
  readonly action?: AnyAction
  /** Validates the event (a bad one throws a `ServalError`, nothing is sent), then sends it. */
  publish(event: E, options?: PublishOptions): Promise<void>
  readonly [CHANNEL_SINKS]: Set<ChannelSink>
}

/**
 * Any channel, whatever its event type.
 *
 * @example
 * ```ts
 * const all: AnyChannel[] = [messenger, orders]
 * ```
 */
export type AnyChannel = Channel<unknown>

/**
 * The event type a channel's `publish` accepts.
 *
 * @example
 * ```ts
 * type E = EventIn<typeof Message> // { text: string }
 * ```
 */
export type EventIn<E extends SchemaLike | undefined> = E extends SchemaLike ? InferIn<E> : Record<string, unknown>

/**
 * A channel found somewhere, before registration.
 *
 * @example
 * ```ts
 * const source: ChannelSource = { channel: messenger, exportName: 'messenger', file: 'chat.ts' }
 * ```
 */
export interface ChannelSource {
  readonly channel: AnyChannel
  /** The export name; the channel's name unless `channel(name, …)` gave one. */
  readonly exportName: string
  readonly file?: string
}
