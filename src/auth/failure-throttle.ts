/** How a `FailureThrottle` counts. */
export interface ThrottleOptions {
  /** Failures in a row a client gets before it must wait. */
  readonly free: number
  /** The first wait; each further failure doubles it. */
  readonly baseMs: number
  /** The longest wait. */
  readonly maxMs: number
  /** Clients remembered at most (the oldest is forgotten first). */
  readonly maxClients: number
  readonly now?: () => number
}

interface Record {
  failures: number
  until: number
}

/**
 * Slows down password guessing: after `free` failures in a row a client
 * waits `baseMs`, then twice that after each further failure, up to
 * `maxMs`; a success forgets it. Per client key (the IP), in memory.
 *
 * @example
 * ```ts
 * const throttle = new FailureThrottle({ free: 5, baseMs: 5_000, maxMs: 900_000, maxClients: 10_000 })
 * if (throttle.waitMs(ip) > 0) throw tooManyRequests()
 * ```
 */
export class FailureThrottle {
  readonly #options: ThrottleOptions
  readonly #clients = new Map<string, Record>()
  readonly #now: () => number

  constructor(options: ThrottleOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** Milliseconds the client must still wait before it may try again (0: now). */
  waitMs(client: string): number {
    const record = this.#clients.get(client)
    return record ? Math.max(0, record.until - this.#now()) : 0
  }

  /** Counts a failure; from the `free`-th on, the client waits, twice as long each time. */
  fail(client: string): void {
    const record = this.#clients.get(client) ?? { failures: 0, until: 0 }
    record.failures++
    const over = record.failures - this.#options.free
    if (over >= 0) record.until = this.#now() + Math.min(this.#options.maxMs, this.#options.baseMs * 2 ** Math.min(over, 30))
    this.#clients.delete(client) // re-inserted last: the map's order is the age of the last failure
    if (this.#clients.size >= this.#options.maxClients) this.#clients.delete(this.#clients.keys().next().value as string)
    this.#clients.set(client, record)
  }

  /** A success: the client starts afresh. */
  succeed(client: string): void {
    this.#clients.delete(client)
  }
}
