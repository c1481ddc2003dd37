import type { Principal } from '../auth/principal.ts'
import type { ChannelHub, Delivery } from '../channels/hub.ts'

/**
 * An async iterator that also stops on `return()` while its source is
 * awaiting: async generators queue `return()` behind a pending `next()`, so
 * the iterators here are plain objects whose `return()` acts at once.
 */
type Stoppable<T> = AsyncIterableIterator<T> & { return(): Promise<IteratorResult<T>>; throw(error: unknown): Promise<IteratorResult<T>> }

const DONE: IteratorResult<never> = { done: true, value: undefined }

function stoppable<T>(next: () => Promise<IteratorResult<T>>, stop: () => Promise<void> | void): Stoppable<T> {
  const it: Stoppable<T> = {
    next,
    return: async () => {
      await stop()
      return DONE
    },
    throw: async (error: unknown) => {
      await stop()
      throw error
    },
    [Symbol.asyncIterator]: () => it,
  }
  return it
}

/**
 * A streaming action's items, for a subscription: `return()` (the client's
 * `complete`, the socket closing) aborts `ctx.signal` and returns the
 * handler's generator, so its `finally` runs; a failure mid-stream becomes
 * `toError(error)` (a GraphQL error carrying the problem).
 *
 * @example
 * ```ts
 * const items = abortable(await app.invoke(action, input, { …, signal: controller.signal }), controller, (e) => fieldError(app, e, id))
 * ```
 */
export function abortable<T>(source: AsyncIterable<T>, controller: AbortController, toError: (error: unknown) => Error): Stoppable<T> {
  const iterator = source[Symbol.asyncIterator]()
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    controller.abort()
    // Not awaited: a generator busy in an await takes `return()` only once that settles (ctx.signal has just fired).
    void iterator.return?.()?.catch(() => undefined)
  }
  return stoppable(async () => {
    if (stopped) return DONE
    try {
      return await iterator.next()
    } catch (error) {
      if (stopped) return DONE
      controller.abort()
      throw toError(error)
    }
  }, stop)
}

/**
 * Maps each event of `source` through `map` (graphql-js runs the
 * operation once per event), passing `return()` straight to the source.
 *
 * @example
 * ```ts
 * mapEvents(source, (event) => execute({ ...args, rootValue: event }))
 * ```
 */
export function mapEvents<T, R>(source: AsyncIterable<T>, map: (value: T) => R | Promise<R>): Stoppable<R> {
  const iterator = source[Symbol.asyncIterator]()
  return stoppable<R>(
    async () => {
      const r = await iterator.next()
      return r.done ? DONE : { done: false, value: await map(r.value) }
    },
    async () => void (await iterator.return?.()),
  )
}

/**
 * The channels one GraphQL socket has joined. The socket is ONE hub
 * subscriber per channel under its own connection id (so a targeted
 * publish reaches it), shared by every subscription of that channel on the
 * socket; the last one to end leaves the channel. Events wait in a queue
 * per subscription; past `maxQueued` the socket cannot keep up and
 * `overflow` is called (it closes the socket).
 *
 * @example
 * ```ts
 * const channels = new SocketChannels(hub, hub.connectionId(), 10_000, () => socket.close(1013))
 * for await (const event of channels.join('messenger', principal)) console.log(event)
 * ```
 */
export class SocketChannels {
  readonly connectionId: string
  readonly #hub: ChannelHub
  readonly #maxQueued: number
  readonly #overflow: () => void
  readonly #joined = new Map<string, { leave: () => void; queues: Set<EventQueue> }>()

  constructor(hub: ChannelHub, connectionId: string, maxQueued: number, overflow: () => void) {
    this.#hub = hub
    this.connectionId = connectionId
    this.#maxQueued = maxQueued
    this.#overflow = overflow
  }

  /** A subscription to `channel`: its events, until `return()`. */
  join(channel: string, principal: Principal | null): AsyncIterableIterator<unknown> {
    let member = this.#joined.get(channel)
    if (!member) {
      const queues = new Set<EventQueue>()
      const send = (d: Delivery) => queues.forEach((q) => q.push(d.event))
      member = { queues, leave: this.#hub.subscribe(channel, { connectionId: this.connectionId, principal, send }) }
      this.#joined.set(channel, member)
    }
    const queue = new EventQueue(this.#maxQueued, this.#overflow)
    member.queues.add(queue)
    const joined = member
    return stoppable(
      () => queue.next(),
      () => {
        queue.end()
        joined.queues.delete(queue)
        if (joined.queues.size > 0 || this.#joined.get(channel) !== joined) return
        joined.leave()
        this.#joined.delete(channel)
      },
    )
  }

  /** Leaves every channel (the socket closed). */
  close(): void {
    for (const { leave, queues } of this.#joined.values()) {
      leave()
      queues.forEach((q) => q.end())
    }
    this.#joined.clear()
  }
}

/** The events of one subscription not yet taken by graphql-ws. */
class EventQueue {
  readonly #items: unknown[] = []
  readonly #max: number
  readonly #overflow: () => void
  #waiting: ((r: IteratorResult<unknown>) => void) | undefined
  #ended = false

  constructor(max: number, overflow: () => void) {
    this.#max = max
    this.#overflow = overflow
  }

  push(event: unknown): void {
    if (this.#ended) return
    const waiting = this.#waiting
    if (waiting) {
      this.#waiting = undefined
      return waiting({ done: false, value: event })
    }
    if (this.#items.length >= this.#max) return this.#overflow()
    this.#items.push(event)
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#items.length > 0) return Promise.resolve({ done: false, value: this.#items.shift() })
    if (this.#ended) return Promise.resolve(DONE)
    return new Promise((resolve) => (this.#waiting = resolve))
  }

  end(): void {
    this.#ended = true
    this.#items.length = 0
    const waiting = this.#waiting
    this.#waiting = undefined
    waiting?.(DONE)
  }
}
