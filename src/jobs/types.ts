import type { Principal } from '../auth/principal.ts'
import type { Problem } from '../errors/index.ts'

/**
 * Where a job is in its life: `queued` → `running` → `succeeded` | `failed` | `cancelled`.
 *
 * @example
 * ```ts
 * const done: JobStatus = 'succeeded'
 * ```
 */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

/** Every status, in lifecycle order. */
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled']

/**
 * True for the statuses a job never leaves.
 *
 * @example
 * ```ts
 * isFinished('cancelled') // true
 * ```
 */
export function isFinished(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled'
}

/** What a job reported through `ctx.progress(fraction, message)`. */
export interface JobProgress {
  readonly fraction: number
  readonly message?: string
}

/**
 * One job as every backend describes it (the embedded journal and BullMQ
 * alike). `output` is present only once it succeeded with a value.
 *
 * @example
 * ```ts
 * const job: JobRecord = await jobsOf(app).wait(id)
 * if (job.status === 'failed') console.error(job.error?.detail)
 * ```
 */
export interface JobRecord {
  readonly id: string
  readonly action: string
  readonly status: JobStatus
  /** `job` for `POST /jobs`, `schedule` for a schedule's tick. */
  readonly trigger: 'job' | 'schedule'
  readonly createdAt: number
  readonly startedAt?: number | undefined
  readonly finishedAt?: number | undefined
  readonly progress?: JobProgress | undefined
  /** Runs started so far. */
  readonly attempts: number
  readonly maxAttempts: number
  readonly error?: Problem | undefined
  /** The submitter; only they may read or cancel the job. */
  readonly principal: Principal | null
  readonly output?: unknown
}

/** What a new job carries. */
export interface NewJob {
  readonly id: string
  readonly action: string
  /** The input as the client sent it (validated at submission, validated again by the pipeline when run). */
  readonly input: unknown
  readonly principal: Principal | null
  readonly trigger: 'job' | 'schedule'
  readonly createdAt: number
  /** The submitter's W3C trace context: the run's span continues that trace (across Redis too). */
  readonly traceparent?: string | undefined
}

/** Filters of `GET /jobs`. */
export interface JobFilter {
  readonly action?: string | undefined
  readonly status?: JobStatus | undefined
  /** Only jobs of this submitter (`null`: anonymous jobs). */
  readonly owner: string | null
  readonly limit: number
  readonly offset: number
}

/** A page of jobs, newest first. */
export interface JobPage {
  readonly items: JobRecord[]
  /** True when more jobs match past this page. */
  readonly more: boolean
}

/** What a backend tells about its work, for `/_sys/info`. */
export interface BackendInfo {
  readonly mode: 'embedded' | 'redis'
  readonly workers: number
  readonly [key: string]: unknown
}

/** What starts a backend's workers. */
export interface WorkOptions {
  /** Jobs run at once in this process, in all queues; 0 runs none. */
  readonly workers: number
  /** Run only these jobs (`serval run --job` runs just its own). */
  readonly only?: (id: string) => boolean
}

/**
 * Where jobs live and run: the embedded journal in `data_dir`, or BullMQ
 * on Redis. The HTTP routes, the CLI and schedules only see this.
 *
 * @example
 * ```ts
 * const backend = await jobsOf(app).backend()
 * const stop = backend.watch((job) => console.log(job.id, job.status))
 * ```
 */
export interface JobBackend {
  /** Stores a job durably; resolves once it would survive a crash. */
  enqueue(job: NewJob): Promise<void>
  get(id: string): Promise<JobRecord | undefined>
  list(filter: JobFilter): Promise<JobPage>
  /** Asks for cancellation; resolves with the job as it is now (or undefined when unknown). */
  cancel(id: string): Promise<JobRecord | undefined>
  /** Starts running jobs in this process. */
  work(options: WorkOptions): Promise<void>
  /** Calls `listener` whenever a job of this process changes; returns the unsubscribe function. */
  watch(listener: (job: JobRecord) => void): () => void
  info(): BackendInfo
  /** Whether the backend can serve now (Redis: answers a PING in time); absent means always. */
  health?(): Promise<BackendHealth>
  /**
   * Jobs waiting to run (queued, delayed, retrying), per action; for
   * actions sharing one Redis queue the count is under `*` (BullMQ counts
   * per queue). Read at scrape time by `/metrics`.
   */
  depth?(): Promise<ReadonlyMap<string, number>>
  /**
   * Makes `schedules` the app's only schedules, for a backend that keeps
   * them itself (Redis: BullMQ job schedulers shared by every instance).
   * Absent: the schedules capability runs them on timers in this process.
   */
  schedule?(schedules: readonly ScheduleSpec[]): Promise<void>
  /** Stops workers (running jobs go back to the queue) and releases files and connections. */
  close(): Promise<void>
}

/**
 * Whether a backend can serve: `/_sys/ready` is 503 while it is not.
 *
 * @example
 * ```ts
 * const health: BackendHealth = { ok: false, reason: 'Redis is unreachable' }
 * ```
 */
export interface BackendHealth {
  readonly ok: boolean
  /** Why not (shown in dev mode only). */
  readonly reason?: string
}

/**
 * A schedule as a backend keeps it: when it ticks, and what each tick runs.
 *
 * @example
 * ```ts
 * const nightly: ScheduleSpec = { action: 'report', repeat: { pattern: '0 3 * * *', tz: 'UTC' }, input: {}, principal: null }
 * ```
 */
export interface ScheduleSpec {
  readonly action: string
  readonly repeat: { readonly every: number } | { readonly pattern: string; readonly tz?: string }
  readonly input: unknown
  /** Who each tick runs as. */
  readonly principal: Principal | null
}
