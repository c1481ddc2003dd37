import { ADMIN_SCOPE, type Principal } from '../auth/principal.ts'
import type { JobRecord } from './types.ts'

/** The `sub` reserved for jobs no caller submitted. No token may carry it. */
export const SYSTEM_SUB = 'serval:system'

/**
 * The owner of jobs that no caller submitted: a direct submit by trusted
 * code (`{ principal: null }`, `serval run --job`) and a schedule's tick.
 * Such jobs are visible only to trusted code passing this very object as
 * the caller, to `serval:admin` principals, and to every caller when the
 * app has no auth. They run with no principal
 * (`ctx.auth` is null), as before.
 *
 * @example
 * ```ts
 * await jobsOf(app).cancel(id, SYSTEM_OWNER) // the CLI cancelling its own job
 * ```
 */
export const SYSTEM_OWNER: Principal = Object.freeze({ sub: SYSTEM_SUB, scopes: Object.freeze([]), groups: Object.freeze([]), claims: Object.freeze({}) })

/**
 * True for a job no caller owns: owned by the system, or a tick stored
 * without a principal (schedulers made before owners existed).
 *
 * @example
 * ```ts
 * if (isSystemJob(job)) return undefined // not the caller's
 * ```
 */
export function isSystemJob(job: Pick<JobRecord, 'principal' | 'trigger'>): boolean {
  return job.principal?.sub === SYSTEM_SUB || (job.trigger === 'schedule' && job.principal === null)
}

/**
 * Whether `caller` sees the system's jobs: trusted code holding
 * `SYSTEM_OWNER`, a `serval:admin` principal, and, when the app has no
 * auth at all (`open`), every caller, since any caller may run any action
 * there anyway.
 *
 * @example
 * ```ts
 * seesSystemJobs(admin, false) // true when admin.scopes includes 'serval:admin'
 * ```
 */
export function seesSystemJobs(caller: Principal | null, open: boolean): boolean {
  if (caller === SYSTEM_OWNER) return true
  if (caller?.sub === SYSTEM_SUB) return false
  return open || (caller?.scopes.includes(ADMIN_SCOPE) ?? false)
}

/**
 * Whether `caller` may read or cancel `job`: its submitter; anyone for a
 * job submitted anonymously (its id is the capability); the system's jobs
 * only for callers that `seesSystemJobs` (a token claiming the system's
 * `sub` never does).
 *
 * @example
 * ```ts
 * mayAccess(job, null, false) // true only for an anonymous caller's job
 * ```
 */
export function mayAccess(job: JobRecord, caller: Principal | null, open: boolean): boolean {
  if (isSystemJob(job)) return seesSystemJobs(caller, open)
  if (caller === SYSTEM_OWNER) return true
  return job.principal === null || job.principal.sub === caller?.sub
}

/**
 * The principal a job runs with: the system's jobs run with none.
 *
 * @example
 * ```ts
 * app.invoke(action, input, { ...inv, principal: runAs(job.principal) })
 * ```
 */
export function runAs(principal: Principal | null): Principal | null {
  return principal?.sub === SYSTEM_SUB ? null : principal
}
