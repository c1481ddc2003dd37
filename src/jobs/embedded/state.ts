import type { Principal } from '../../auth/principal.ts'
import type { Problem } from '../../errors/index.ts'
import type { Outcome } from '../attempt.ts'
import type { JobProgress, JobRecord, JobStatus } from '../types.ts'

/** A job as the embedded store keeps it (in memory, and as `put` records in the journal). */
export interface StoredJob {
  id: string
  action: string
  input: unknown
  principal: Principal | null
  trigger: 'job' | 'schedule'
  createdAt: number
  /** The submitter's trace context (see NewJob). */
  traceparent?: string | undefined
  status: JobStatus
  attempts: number
  maxAttempts: number
  /** Runs cut short by a crash or shutdown; too many and the job fails. */
  interruptions: number
  startedAt?: number
  finishedAt?: number
  /** Not before this time (a retry's backoff). */
  runAt?: number
  progress?: JobProgress
  output?: unknown
  error?: Problem
}

/** One journal record: a whole job, or one change to it. */
export type JournalOp =
  | { op: 'put'; job: StoredJob }
  | { op: 'start'; id: string; at: number }
  | { op: 'retry'; id: string; runAt: number; error: Problem }
  | { op: 'end'; id: string; at: number; status: 'succeeded' | 'failed' | 'cancelled'; output?: unknown; error?: Problem }
  | { op: 'requeue'; id: string; interrupted: boolean }
  | { op: 'del'; id: string }

/**
 * Applies one journal record to the jobs. Used both live (the backend
 * changes a job, then journals the same op) and when replaying the journal.
 *
 * @example
 * ```ts
 * applyOp(jobs, { op: 'start', id, at: Date.now() })
 * ```
 */
export function applyOp(jobs: Map<string, StoredJob>, op: JournalOp): void {
  if (op.op === 'put') return void jobs.set(op.job.id, op.job)
  const job = jobs.get(op.id)
  if (!job) return
  switch (op.op) {
    case 'start':
      return void Object.assign(job, { status: 'running', startedAt: op.at, attempts: job.attempts + 1, runAt: undefined })
    case 'retry':
      return void Object.assign(job, { status: 'queued', runAt: op.runAt, error: op.error, progress: undefined })
    case 'end':
      return void Object.assign(job, { status: op.status, finishedAt: op.at, output: op.output, error: op.error, runAt: undefined })
    case 'requeue':
      return void Object.assign(job, {
        status: 'queued',
        attempts: Math.max(0, job.attempts - 1),
        interruptions: job.interruptions + (op.interrupted ? 1 : 0),
        progress: undefined,
      })
    case 'del':
      return void jobs.delete(op.id)
  }
}

/**
 * The backend-neutral view of a stored job.
 *
 * @example
 * ```ts
 * toRecord(jobs.get(id)!).status // 'queued'
 * ```
 */
export function toRecord(job: StoredJob): JobRecord {
  const record: JobRecord = {
    id: job.id,
    action: job.action,
    status: job.status,
    trigger: job.trigger,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    progress: job.progress,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    error: job.error,
    principal: job.principal,
  }
  return job.status === 'succeeded' && job.output !== undefined ? { ...record, output: job.output } : record
}

/**
 * The record that ends a run: how its outcome changes the job (a retry
 * waits `retryDelayMs` from `at`).
 *
 * @example
 * ```ts
 * store.change(outcomeOp(job, { kind: 'ok', output: 42 }, Date.now(), 0))
 * ```
 */
export function outcomeOp(job: StoredJob, outcome: Outcome, at: number, retryDelayMs: number): JournalOp {
  const id = job.id
  switch (outcome.kind) {
    case 'ok':
      return { op: 'end', id, at, status: 'succeeded', output: outcome.output }
    case 'interrupted':
      return { op: 'requeue', id, interrupted: false }
    case 'cancelled':
      return { op: 'end', id, at, status: 'cancelled', error: outcome.problem }
    case 'failed':
      return outcome.retry && job.attempts < job.maxAttempts
        ? { op: 'retry', id, runAt: at + retryDelayMs, error: outcome.problem }
        : { op: 'end', id, at, status: 'failed', error: outcome.problem }
  }
}
