/**
 * Job scheduler ids Serval owns start with this (`schedule-{action}`).
 *
 * @example
 * ```ts
 * await queue.removeJobScheduler(`${SCHEDULER_PREFIX}tick`)
 * ```
 */
export const SCHEDULER_PREFIX = 'schedule-'

/**
 * The ids Serval gives jobs: a random UUID (`POST /jobs`), or BullMQ's id
 * for a schedule's tick (`repeat:schedule-{action}:{time}`). Anything else
 * names one of BullMQ's own keys (`meta`, a scheduler's template), never a
 * job, so it is not looked up at all.
 */
const JOB_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|repeat:schedule-[A-Za-z_][A-Za-z0-9_]*:\d{1,16})$/

/**
 * True for an id Serval could have given a job.
 *
 * @example
 * ```ts
 * isJobId('repeat:schedule-tick:1700000000000') // true
 * isJobId('repeat:schedule-tick') // false: that is the scheduler's template
 * ```
 */
export function isJobId(id: string): boolean {
  return JOB_ID.test(id)
}

/**
 * True when what BullMQ read is a job (it has a name and a creation
 * time), not some other hash that happened to be at the key.
 *
 * @example
 * ```ts
 * const job = await queue.getJob(id)
 * if (job && isJob(job)) return toRecord(job, await job.getState())
 * ```
 */
export function isJob(job: { readonly name?: string; readonly timestamp?: number }): boolean {
  return Boolean(job.name) && Number.isFinite(job.timestamp) && (job.timestamp ?? 0) > 0
}
