import type { JobOptions } from '../action/types.ts'
import type { Settings } from '../config/definitions.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'

/** The longest wait between two runs of an embedded job: an exponential backoff stops growing here (24 h). */
export const MAX_BACKOFF_MS = 86_400_000

/** The longest `timeoutMs` (a timer cannot wait longer: about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** An action's job options with every default filled in. */
export interface ResolvedJobOptions {
  /** Runs in all, first included. */
  readonly attempts: number
  readonly backoff: { readonly type: 'fixed' | 'exponential'; readonly delayMs: number; readonly maxDelayMs?: number }
  readonly timeoutMs: number | undefined
  /** Runs of this action at once per process; undefined = only the `workers` limit. */
  readonly concurrency: number | undefined
  readonly retentionMs: number
}

/**
 * Resolves `def.job` against the settings (`job_retention_s`). A bad value
 * throws, naming the action, so it fails at startup and not at the first job.
 *
 * @example
 * ```ts
 * jobOptions(registry.get('resize')!, settings).attempts // 3
 * ```
 */
export function jobOptions(action: CompiledAction, settings: Settings): ResolvedJobOptions {
  let resolved = cache.get(action)
  if (!resolved) cache.set(action, (resolved = resolve(action, settings)))
  return resolved
}

/** Resolved once per compiled action (an action belongs to one app, so to one set of settings): the job path reads it per job. */
const cache = new WeakMap<CompiledAction, ResolvedJobOptions>()

function resolve(action: CompiledAction, settings: Settings): ResolvedJobOptions {
  const job: JobOptions = action.def.job ?? {}
  const bad = (what: string): never => {
    throw new ServalError('bad-request', { title: 'Invalid job options', detail: `action "${action.name}"${action.file ? ` (in ${action.file})` : ''}: job.${what}` })
  }
  const attempts = job.retry?.attempts ?? 1
  if (!Number.isInteger(attempts) || attempts < 1) bad(`retry.attempts must be an integer ≥ 1, got ${String(attempts)}`)
  const type = job.retry?.backoff?.type ?? 'exponential'
  if (type !== 'fixed' && type !== 'exponential') bad(`retry.backoff.type must be "fixed" or "exponential", got ${String(type)}`)
  const delayMs = job.retry?.backoff?.delayMs ?? 1000
  if (!(typeof delayMs === 'number' && delayMs >= 0 && delayMs <= MAX_BACKOFF_MS)) bad(`retry.backoff.delayMs must be a number from 0 to ${MAX_BACKOFF_MS} (24 h), got ${String(delayMs)}`)
  if (job.timeoutMs !== undefined && !(typeof job.timeoutMs === 'number' && job.timeoutMs > 0 && job.timeoutMs <= MAX_TIMEOUT_MS)) bad(`timeoutMs must be a number from 1 to ${MAX_TIMEOUT_MS}, got ${String(job.timeoutMs)}`)
  const maxDelayMs = job.retry?.backoff?.maxDelayMs
  if (maxDelayMs !== undefined && !(typeof maxDelayMs === 'number' && maxDelayMs >= 0)) bad(`retry.backoff.maxDelayMs must be a number ≥ 0, got ${String(maxDelayMs)}`)
  if (job.concurrency !== undefined && !(Number.isInteger(job.concurrency) && job.concurrency >= 1)) bad(`concurrency must be an integer ≥ 1, got ${String(job.concurrency)}`)
  if (job.retentionS !== undefined && !(job.retentionS > 0 && Number.isFinite(job.retentionS))) bad(`retentionS must be a number > 0, got ${String(job.retentionS)}`)
  return {
    attempts,
    backoff: maxDelayMs === undefined ? { type, delayMs } : { type, delayMs, maxDelayMs },
    timeoutMs: job.timeoutMs,
    concurrency: job.concurrency,
    retentionMs: (job.retentionS ?? settings.job_retention_s) * 1000,
  }
}

/**
 * Milliseconds to wait before run `attempt + 1`, after `attempt` runs
 * failed: `delayMs`, or `delayMs × 2^(attempt-1)` capped at `MAX_BACKOFF_MS`.
 *
 * @example
 * ```ts
 * backoffDelay({ type: 'exponential', delayMs: 100 }, 3) // 400
 * backoffDelay({ type: 'exponential', delayMs: 1000 }, 60) // 86_400_000
 * ```
 */
export function backoffDelay(backoff: ResolvedJobOptions['backoff'], attempt: number): number {
  const delay = backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** Math.max(0, attempt - 1)
  return Math.min(delay, MAX_BACKOFF_MS, backoff.maxDelayMs ?? Infinity)
}
