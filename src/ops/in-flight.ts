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
  // A doubly linked ring, not a Set: a Set whose size hovers (one add and one
  // delete per request) keeps rehashing, ~100 ns a request; a link is ~10.
  readonly #head: Link = newHead()
  #size = 0
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

  /** Records a request that started. Adding one already recorded does nothing. */
  add(entry: InFlightEntry): void {
    const held = entry as Linked
    if (held[LINK] !== undefined) return
    const head = this.#head
    const link: Link = { entry, prev: head.prev, next: head }
    head.prev.next = link
    head.prev = link
    held[LINK] = link
    this.#size++
  }

  /** Counts an action invocation against the limit: false (nothing counted) when the limit is reached. */
  claim(entry: InFlightEntry): boolean {
    if (!this.#slots.take()) return false
    this.#claimed.add(entry)
    return true
  }

  /** Forgets a request that ended, releasing its claim. Idempotent. */
  delete(entry: InFlightEntry): void {
    const held = entry as Linked
    const link = held[LINK]
    if (link !== undefined) {
      link.prev.next = link.next
      link.next.prev = link.prev
      held[LINK] = undefined
      this.#size--
    }
    if (this.#claimed.size !== 0 && this.#claimed.delete(entry)) this.#slots.give()
  }

  /** Requests in flight now. */
  get size(): number {
    return this.#size
  }

  /** Action invocations counted against the limit now. */
  get claimed(): number {
    return this.#claimed.size
  }

  /** Every request in flight, oldest first: this app's, and those of the generations it replaced that still drain. */
  entries(): InFlightEntry[] {
    const all: InFlightEntry[] = []
    for (let link = this.#head.next; link !== this.#head; link = link.next) all.push(link.entry!)
    for (const previous of this.#previous) all.push(...previous.entries())
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

/** The ring's node of an entry: kept on the entry, so a delete finds it without a lookup. */
const LINK = Symbol('serval.inFlightLink')

interface Link {
  readonly entry: InFlightEntry | undefined
  prev: Link
  next: Link
}

type Linked = InFlightEntry & { [LINK]?: Link | undefined }

function newHead(): Link {
  const head = { entry: undefined } as { entry: undefined; prev: Link; next: Link }
  head.prev = head
  head.next = head
  return head
}
