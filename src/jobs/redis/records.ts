import type { Job } from 'bullmq'
import type { Principal } from '../../auth/principal.ts'
import { ServalError, type Problem } from '../../errors/index.ts'
import type { JobProgress, JobRecord, JobStatus } from '../types.ts'

/** What Serval keeps in a BullMQ job's `data` (the job's name is the action's). */
export interface JobData {
  readonly input: unknown
  readonly principal: Principal | null
  readonly trigger: 'job' | 'schedule'
  /** The submitter's W3C trace context, so a worker anywhere continues the trace. */
  readonly traceparent?: string
  /** Set when a queued job is cancelled: it reads as cancelled, and a worker that fetches it drops it. */
  readonly cancelledAt?: number
}

/** What a succeeded job returns: wrapped, so a void output stays distinct from `null`. */
export interface JobResult {
  readonly output?: unknown
}

/** BullMQ keeps a failure as a message; Serval's is this prefix and the problem as JSON. */
const PROBLEM_PREFIX = 'serval-problem:'

/**
 * A problem as a failure message BullMQ can store.
 *
 * @example
 * ```ts
 * throw new UnrecoverableError(encodeProblem(problem))
 * ```
 */
export function encodeProblem(problem: Problem): string {
  return PROBLEM_PREFIX + JSON.stringify(problem)
}

/**
 * The problem of a failure message; BullMQ's own failures (a job stalled too often) become `job-failed`.
 *
 * @example
 * ```ts
 * decodeProblem(job.failedReason, String(job.id))?.status // 409
 * ```
 */
export function decodeProblem(reason: string | undefined, id: string): Problem | undefined {
  if (!reason) return undefined
  if (reason.startsWith(PROBLEM_PREFIX)) {
    try {
      return JSON.parse(reason.slice(PROBLEM_PREFIX.length)) as Problem
    } catch {
      // Fall through: report it as text.
    }
  }
  return new ServalError('job-failed', { detail: reason }).toProblem({ instance: `/jobs/${id}` })
}

const QUEUED = new Set<string>(['waiting', 'wait', 'delayed', 'prioritized', 'paused', 'waiting-children', 'unknown'])

/**
 * A BullMQ job, in the state BullMQ reports, as a Serval job record.
 *
 * @example
 * ```ts
 * toRecord(job, await job.getState()).status // 'running'
 * ```
 */
export function toRecord(job: Job<JobData, JobResult>, state: string): JobRecord {
  const id = String(job.id)
  const data = job.data ?? ({} as JobData)
  const problem = decodeProblem(job.failedReason, id)
  const cancelled = data.cancelledAt
  const status = statusOf(state, problem, cancelled)
  const error = status === 'succeeded' ? undefined : problem
  const record: JobRecord = {
    id,
    action: job.name,
    status,
    trigger: data.trigger ?? 'schedule',
    createdAt: job.timestamp,
    startedAt: job.processedOn || undefined,
    finishedAt: job.finishedOn || (status === 'cancelled' ? cancelled : undefined),
    progress: progressOf(job.progress),
    // attemptsMade counts finished runs; BullMQ's attemptsStarted also counts a run handed back at shutdown.
    attempts: (job.attemptsMade ?? 0) + (status === 'running' ? 1 : 0),
    maxAttempts: job.opts.attempts ?? 1,
    error: status === 'cancelled' && !error ? cancelledProblem(id) : error,
    principal: data.principal ?? null,
  }
  const result = job.returnvalue
  return status === 'succeeded' && result && typeof result === 'object' && 'output' in result ? { ...record, output: result.output } : record
}

function statusOf(state: string, problem: Problem | undefined, cancelledAt: number | undefined): JobStatus {
  if (state === 'completed') return 'succeeded'
  if (state === 'failed') return problem?.type === 'urn:serval:problem:job-cancelled' ? 'cancelled' : 'failed'
  if (state === 'active') return 'running'
  if (QUEUED.has(state)) return cancelledAt ? 'cancelled' : 'queued'
  return 'queued'
}

function progressOf(progress: unknown): JobProgress | undefined {
  if (progress === null || typeof progress !== 'object') return undefined
  const p = progress as { fraction?: unknown; message?: unknown }
  if (typeof p.fraction !== 'number') return undefined
  return typeof p.message === 'string' ? { fraction: p.fraction, message: p.message } : { fraction: p.fraction }
}

function cancelledProblem(id: string): Problem {
  return new ServalError('job-cancelled', { detail: `Job ${id} was cancelled` }).toProblem({ instance: `/jobs/${id}` })
}
