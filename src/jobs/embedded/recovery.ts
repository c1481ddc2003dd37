import { ServalError } from '../../errors/index.ts'
import type { JobStore } from './store.ts'

/** A job interrupted this many times (the process died or stopped while it ran) fails instead of running again. */
export const MAX_INTERRUPTIONS = 3

/**
 * After a restart, puts the jobs that were running back in the queue
 * (at least once), unless they keep dying: a job whose run killed the
 * process `MAX_INTERRUPTIONS` times fails with `job-failed`, so it cannot
 * crash-loop the server. Relies on the `start` record reaching the disk
 * before the handler runs.
 *
 * @example
 * ```ts
 * recoverInterrupted(store)
 * ```
 */
export function recoverInterrupted(store: JobStore): void {
  for (const job of store.values()) {
    if (job.status !== 'running') continue
    const interruptions = job.interruptions + 1
    if (interruptions < MAX_INTERRUPTIONS) {
      store.change({ op: 'requeue', id: job.id, interrupted: true })
      continue
    }
    const error = new ServalError('job-failed', {
      detail: `The job was interrupted ${interruptions} times (the process stopped while it ran), so it is not run again`,
      extensions: { interruptions },
    })
    store.change({ op: 'end', id: job.id, at: Date.now(), status: 'failed', error: error.toProblem({ instance: `/jobs/${job.id}` }) })
  }
}
