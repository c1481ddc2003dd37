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
 * Makes `workers` a total for the process, as in embedded mode: BullMQ
 * limits concurrency per worker (one per queue), so each worker's
 * concurrency is kept at what it runs plus the slots still free (within
 * its own limit). With one queue that is exact; with several, a worker
 * already waiting for a job when the last slot fills may still take one,
 * so the total can briefly exceed `workers` by one per other queue.
 *
 * @example
 * ```ts
 * const slots = new SharedSlots(4)
 * const member = slots.add(worker, 2)
 * slots.started(member) // … slots.ended(member)
 * ```
 */
export class SharedSlots {
  readonly #members: SlotMember[] = []
  readonly total: number

  constructor(total: number) {
    this.total = total
  }

  /** The initial concurrency of a worker with this limit. */
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
    this.#rebalance()
  }

  ended(member: SlotMember): void {
    member.running--
    this.#rebalance()
  }

  #rebalance(): void {
    if (this.#members.length < 2) return // one queue: its concurrency is the total already
    const free = Math.max(0, this.total - this.#members.reduce((n, m) => n + m.running, 0))
    for (const m of this.#members) m.worker.concurrency = Math.max(1, Math.min(m.limit, m.running + free))
  }
}
