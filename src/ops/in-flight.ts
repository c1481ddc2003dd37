import { ConcurrencySlots } from './slots.ts'
import type { Credentials } from '../core/security.ts'

/**
 * One request being answered, as a transport records it. `action`,
 * `path` and `credentials` may be getters: they are read only when an
 * operator lists the requests, never on the request path.
 *
 * @example
 * ```ts
 * const entry: InFlightEntry = { id: 'r1', method: 'POST', path: '/actions/add', action: 'add', startedAt: Date.now() }
 * ```
 */
export interface InFlightEntry {
  readonly id: string
  readonly method: string
  readonly path: string
  /** The action it runs, or null (a system route, a static file…). */
  readonly action: string | null
  readonly startedAt: number
  /** What identifies the caller, resolved to `sub` when listed. */
  readonly credentials?: Credentials
}

/**
 * The requests in flight, and the `max_concurrency` gate over the ones
 * that invoke actions. Transport-free: HTTP records every request here;
 * only claimed entries count against the limit, so health checks and
 * static files keep answering under load.
 *
 * @example
 * ```ts
 * const inFlight = new InFlight(2)
 * inFlight.add(entry)
 * if (!inFlight.claim(entry)) throw new ServalError('over-capacity')
 * inFlight.delete(entry) // releases the claim too
 * ```
 */
export class InFlight {
  readonly #entries = new Set<InFlightEntry>()
  readonly #claimed = new Set<InFlightEntry>()
  readonly #previous = new Set<InFlight>()
  #slots: ConcurrencySlots

  constructor(limit = 0) {
    this.#slots = new ConcurrencySlots(limit)
  }

  /** Action invocations allowed at once; 0 = unlimited. */
  get limit(): number {
    return this.#slots.limit
  }

  /** Counts claims against slots shared with other apps (a host's generations and mounts): before any claim. */
  shareSlots(slots: ConcurrencySlots): void {
    if (this.#claimed.size > 0) throw new Error('shareSlots: claims are already counted')
    this.#slots = slots
  }

  /** Records a request that started. */
  add(entry: InFlightEntry): void {
    this.#entries.add(entry)
  }

  /** Counts an action invocation against the limit: false (nothing counted) when the limit is reached. */
  claim(entry: InFlightEntry): boolean {
    if (!this.#slots.take()) return false
    this.#claimed.add(entry)
    return true
  }

  /** Forgets a request that ended, releasing its claim. Idempotent. */
  delete(entry: InFlightEntry): void {
    this.#entries.delete(entry)
    if (this.#claimed.delete(entry)) this.#slots.give()
  }

  /** Requests in flight now. */
  get size(): number {
    return this.#entries.size
  }

  /** Action invocations counted against the limit now. */
  get claimed(): number {
    return this.#claimed.size
  }

  /** Every request in flight, oldest first: this app's, and those of the generations it replaced that still drain. */
  entries(): InFlightEntry[] {
    const all = this.#previous.size === 0 ? [...this.#entries] : [...this.#entries, ...[...this.#previous].flatMap((p) => p.entries())]
    return all.sort((a, b) => a.startedAt - b.startedAt)
  }

  /** Lists the requests of a generation this one replaced (a dev reload) until `forget`: they are still this app's to an operator. */
  follow(previous: InFlight): void {
    this.#previous.add(previous)
  }

  /** Stops listing a generation once it has drained. */
  forget(previous: InFlight): void {
    this.#previous.delete(previous)
  }
}
