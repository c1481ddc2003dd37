import type { Worker } from 'bullmq'

/**
 * One queue's BullMQ worker and its share of the process's slots.
 *
 * @example
 * ```ts
 * const member: SlotMember = slots.add(worker, 2)
 * ```
 */
export interface SlotMember {
  readonly worker: Worker
  /** Its action's own `concurrency`, or the total. */
  readonly limit: number
  running: number
}

/**
 * Makes `workers` a total for the process, as in embedded mode. BullMQ
 * limits concurrency per worker (one per queue), so the free slots go to
 * one worker at a time: the one that last started or finished a job (the
 * likeliest to have more); that keeps fetching near the total. Fetching
 * can still overshoot (an idle worker takes one job, BullMQ's least
 * concurrency; a finishing job fetches the next in the same script), so
 * a fetched job also waits for a slot before its handler runs: handlers
 * never run more than `workers` at once.
 *
 * @example
 * ```ts
 * const slots = new SharedSlots(4)
 * const member = slots.add(worker, 2)
 * slots.rebalance()
 * await slots.acquire(member) // … slots.release(member)
 * ```
 */
export class SharedSlots {
  readonly #members: SlotMember[] = []
  readonly #waiting: { member: SlotMember; go: () => void }[] = []
  readonly total: number
  #owner: SlotMember | undefined
  #running = 0

  constructor(total: number) {
    this.total = total
  }

  /** The concurrency a worker starts with (set again by {@link rebalance} once all are added). */
  initial(limit: number): number {
    return Math.max(1, Math.min(limit, this.total))
  }

  add(worker: Worker, limit: number): SlotMember {
    const member = { worker, limit, running: 0 }
    this.#members.push(member)
    return member
  }

  /** Resolves once the member may run one more job: under the total and under its own limit. */
  acquire(member: SlotMember): Promise<void> {
    if (this.#fits(member)) {
      this.#start(member)
      return Promise.resolve()
    }
    return new Promise((go) => this.#waiting.push({ member, go: () => (this.#start(member), go()) }))
  }

  release(member: SlotMember): void {
    member.running--
    this.#running--
    this.#owner = member
    const next = this.#waiting.findIndex((w) => this.#fits(w.member))
    if (next >= 0) this.#waiting.splice(next, 1)[0]!.go()
    else this.rebalance()
  }

  #fits(member: SlotMember): boolean {
    return this.#running < this.total && member.running < member.limit
  }

  #start(member: SlotMember): void {
    member.running++
    this.#running++
    this.#owner = member
    this.rebalance()
  }

  /** Sets every worker's concurrency; call once all are added, before they fetch. */
  rebalance(): void {
    if (this.#members.length < 2) return // one queue: its concurrency is the total already
    const free = Math.max(0, this.total - this.#running)
    for (const m of this.#members) m.worker.concurrency = Math.max(1, Math.min(m.limit, m.running + (m === this.#owner ? free : 0)))
  }
}
