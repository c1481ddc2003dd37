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
 * likeliest to have more). Every other worker may run what it runs, and an
 * idle one may still take one job (BullMQ's least concurrency is 1). With
 * one queue the total is exact; with several it can exceed `workers` by at
 * most one per queue past the first.
 *
 * @example
 * ```ts
 * const slots = new SharedSlots(4)
 * const member = slots.add(worker, 2)
 * slots.rebalance()
 * slots.started(member) // … slots.ended(member)
 * ```
 */
export class SharedSlots {
  readonly #members: SlotMember[] = []
  readonly total: number
  #owner: SlotMember | undefined

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

  started(member: SlotMember): void {
    member.running++
    this.#owner = member
    this.rebalance()
  }

  ended(member: SlotMember): void {
    member.running--
    this.#owner = member
    this.rebalance()
  }

  /** Sets every worker's concurrency; call once all are added, before they fetch. */
  rebalance(): void {
    if (this.#members.length < 2) return // one queue: its concurrency is the total already
    const free = Math.max(0, this.total - this.#members.reduce((n, m) => n + m.running, 0))
    for (const m of this.#members) m.worker.concurrency = Math.max(1, Math.min(m.limit, m.running + (m === this.#owner ? free : 0)))
  }
}
