import type { StoredJob } from './state.ts'
import type { JobStore } from './store.ts'

/**
 * Jobs waiting for their `runAt` (a retry's backoff), one timer each.
 * Backoffs are capped (see `MAX_BACKOFF_MS`), so a delay always fits in
 * one `setTimeout`.
 *
 * @example
 * ```ts
 * const delayed = new DelayedJobs()
 * delayed.at(job, () => dispatcher.ready(job))
 * delayed.clear()
 * ```
 */
export class DelayedJobs {
  readonly #timers = new Map<string, NodeJS.Timeout>()

  /** Calls `due` once the job's `runAt` has come (at once if it has). False when it is due now. */
  at(job: StoredJob, due: () => void): boolean {
    const wait = (job.runAt ?? 0) - Date.now()
    if (wait <= 0) return false
    clearTimeout(this.#timers.get(job.id))
    this.#timers.set(job.id, setTimeout(() => {
      this.#timers.delete(job.id)
      due()
    }, wait))
    return true
  }

  cancel(id: string): void {
    clearTimeout(this.#timers.get(id))
    this.#timers.delete(id)
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
  }
}

/**
 * Removes finished jobs once their retention has passed, checking at half
 * the shortest retention (between 250 ms and a minute). Returns the stop function.
 *
 * @example
 * ```ts
 * const stop = startSweeper(store, (action) => retentionMs(action), 86_400_000)
 * ```
 */
export function startSweeper(store: JobStore, retentionOf: (action: string) => number, shortestMs: number): () => void {
  const sweep = () => {
    const now = Date.now()
    for (const job of store.values()) {
      if (job.finishedAt !== undefined && job.finishedAt + retentionOf(job.action) <= now) store.change({ op: 'del', id: job.id })
    }
  }
  const timer = setInterval(sweep, Math.min(60_000, Math.max(250, shortestMs / 2)))
  timer.unref()
  return () => clearInterval(timer)
}
