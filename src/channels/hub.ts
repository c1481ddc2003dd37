import { randomBytes } from 'node:crypto'
import type { Principal } from '../auth/principal.ts'

/**
 * One event on its way to local subscribers; `text` is the wire frame, built once and shared by all of them.
 *
 * @example
 * ```ts
 * send: (d: Delivery) => socket.send((d.text ??= frames.event(d.channel, d.event)))
 * ```
 */
export interface Delivery {
  readonly channel: string
  readonly event: unknown
  text?: string
}

/**
 * A local subscriber of a channel, whatever carries it (a WebSocket today).
 * `send` must not throw; a subscriber that cannot keep up closes itself.
 *
 * @example
 * ```ts
 * const sub: Subscriber = { connectionId: hub.connectionId(), principal: null, send: (d) => console.log(d.event) }
 * ```
 */
export interface Subscriber {
  readonly connectionId: string
  readonly principal: Principal | null
  send(delivery: Delivery): void
}

/**
 * How the hub reaches the other instances (Redis pub/sub); absent in embedded mode.
 *
 * @example
 * ```ts
 * hub.useFanout(redisFanout(hub, { url, prefix, logger }))
 * ```
 */
export interface Fanout {
  /** Sends to every other instance. */
  broadcast(channel: string, event: unknown): Promise<void>
  /** Sends to the one instance that holds `connectionId`. */
  target(instance: string, channel: string, event: unknown, connectionId: string): Promise<void>
  close(): Promise<void>
}

type Filter = (event: unknown, principal: Principal | null) => boolean

/**
 * The transport-free channel hub of one process: local subscribers per
 * channel, each event delivered to the ones its filter admits, and the
 * other instances reached through a `Fanout`. A connection id names its
 * instance (`<instance>.<n>`), so a targeted publish finds its subscriber
 * on whichever instance holds it.
 *
 * @example
 * ```ts
 * const hub = new ChannelHub()
 * const stop = hub.subscribe('messenger', { connectionId: hub.connectionId(), principal: null, send: (d) => console.log(d.event) })
 * await hub.publish('messenger', { text: 'hi' })
 * ```
 */
export class ChannelHub {
  readonly instance: string
  readonly #subscribers = new Map<string, Map<string, Subscriber>>()
  readonly #filters = new Map<string, Filter>()
  #fanout: Fanout | undefined
  #next = 0
  /** Called when a filter throws: the event is withheld from that subscriber. */
  onFilterError: (error: unknown, channel: string) => void = () => undefined

  constructor(instance = randomBytes(6).toString('hex')) {
    this.instance = instance
  }

  /** Connects the hub to the other instances. */
  useFanout(fanout: Fanout): void {
    this.#fanout = fanout
  }

  /** Sets the per-subscriber filter of a channel. */
  setFilter(channel: string, filter: Filter): void {
    this.#filters.set(channel, filter)
  }

  /** A new connection id, valid on every instance. */
  connectionId(): string {
    return `${this.instance}.${(++this.#next).toString(36)}`
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(channel: string, subscriber: Subscriber): () => void {
    let subs = this.#subscribers.get(channel)
    if (!subs) this.#subscribers.set(channel, (subs = new Map()))
    subs.set(subscriber.connectionId, subscriber)
    return () => {
      if (subs.get(subscriber.connectionId) === subscriber) subs.delete(subscriber.connectionId)
    }
  }

  /** Local subscribers of a channel (all channels when omitted). */
  count(channel?: string): number {
    if (channel !== undefined) return this.#subscribers.get(channel)?.size ?? 0
    let n = 0
    for (const subs of this.#subscribers.values()) n += subs.size
    return n
  }

  /** Delivers here and on every other instance; with `connectionId`, only to that subscriber. */
  async publish(channel: string, event: unknown, connectionId?: string): Promise<void> {
    if (connectionId === undefined) {
      this.deliver(channel, event)
      await this.#fanout?.broadcast(channel, event)
      return
    }
    const dot = connectionId.indexOf('.')
    if (dot <= 0) return // not an id this hub made: no subscriber has it
    const instance = connectionId.slice(0, dot)
    if (instance === this.instance) this.deliver(channel, event, connectionId)
    else await this.#fanout?.target(instance, channel, event, connectionId)
  }

  /** Delivers to this instance's subscribers only (what the fan-out calls on a message from another instance). */
  deliver(channel: string, event: unknown, connectionId?: string): void {
    const subs = this.#subscribers.get(channel)
    if (!subs || subs.size === 0) return
    const delivery: Delivery = { channel, event }
    if (connectionId !== undefined) {
      const one = subs.get(connectionId)
      if (one) this.#offer(one, delivery)
      return
    }
    for (const sub of subs.values()) this.#offer(sub, delivery)
  }

  #offer(sub: Subscriber, delivery: Delivery): void {
    const filter = this.#filters.get(delivery.channel)
    if (filter) {
      try {
        if (!filter(delivery.event, sub.principal)) return
      } catch (error) {
        return this.onFilterError(error, delivery.channel)
      }
    }
    sub.send(delivery)
  }

  async close(): Promise<void> {
    this.#subscribers.clear()
    await this.#fanout?.close()
  }
}
