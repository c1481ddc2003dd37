/**
 * The `max_concurrency` slots of a process: one count shared by every app
 * a host serves (the root, its mounts, and a generation still draining
 * after a dev reload), so the limit an operator sets is the process's and
 * a reload does not hand out a fresh set while old calls still run.
 *
 * @example
 * ```ts
 * const slots = new ConcurrencySlots(settings.max_concurrency)
 * if (!slots.take()) throw new ServalError('over-capacity')
 * slots.give() // when the call ends
 * ```
 */
export class ConcurrencySlots {
  /** Calls allowed at once; 0 = unlimited. */
  readonly limit: number
  #used = 0

  constructor(limit = 0) {
    this.limit = limit
  }

  /** Takes a slot: false (nothing taken) when every one is in use. */
  take(): boolean {
    if (this.limit > 0 && this.#used >= this.limit) return false
    this.#used++
    return true
  }

  /** Gives back a slot taken before. */
  give(): void {
    this.#used--
  }

  /** Slots in use now. */
  get used(): number {
    return this.#used
  }
}
