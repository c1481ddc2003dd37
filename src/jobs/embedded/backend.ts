import { setMaxListeners } from 'node:events'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { App } from '../../app/app.ts'
import { ServalError } from '../../errors/index.ts'
import { backoffDelay, jobOptions, type ResolvedJobOptions } from '../options.ts'
import { cancelledError, runAttempt, type Outcome } from '../attempt.ts'
import type { BackendInfo, JobBackend, JobFilter, JobPage, JobRecord, NewJob, WorkOptions } from '../types.ts'
import { Dispatcher } from './dispatcher.ts'
import { acquireLock } from './lock.ts'
import { recoverInterrupted } from './recovery.ts'
import { outcomeOp, toRecord, type StoredJob } from './state.ts'
import { JobStore, type StoreOptions } from './store.ts'
import { DelayedJobs, startSweeper } from './timers.ts'

/** How long a job whose `start` record could not be written waits before it is tried again. */
const START_RETRY_MS = 1000

/**
 * Jobs in one process, kept in `data_dir/jobs/journal.ndjson` (see
 * `Journal`): a job is on disk before `POST /jobs` answers 202, and one
 * that was queued or running when the process died runs after restart
 * (at least once). One process owns a data_dir (an OS lock on
 * `data_dir/jobs/lock`). This class wires the parts: the store, the
 * dispatcher, the timers and the recovery.
 *
 * @example
 * ```ts
 * const jobs = EmbeddedBackend.open(app)
 * await jobs.work({ workers: 4 })
 * ```
 */
export class EmbeddedBackend implements JobBackend {
  readonly #app: App
  readonly #store: JobStore
  readonly #dispatcher: Dispatcher
  readonly #delayed = new DelayedJobs()
  /** Aborts when this process stops working: on shutdown, or `close()`. */
  readonly #stop = new AbortController()
  readonly #options = new Map<string, ResolvedJobOptions>()
  readonly #release: () => void
  readonly #dir: string
  #stopSweeper: (() => void) | undefined
  #closed = false

  private constructor(app: App, dir: string, options: StoreOptions) {
    this.#app = app
    this.#dir = dir
    mkdirSync(dir, { recursive: true })
    this.#release = acquireLock(resolve(dir, 'lock'))
    try {
      const opened = JobStore.open(dir, options)
      this.#store = opened.store
      if (opened.skipped) app.logger.warn({ skipped: opened.skipped }, 'job journal: skipped unreadable records')
    } catch (error) {
      this.#release()
      throw error
    }
    this.#store.onError = (error) => app.logger.error({ err: error }, 'job journal write failed')
    this.#dispatcher = new Dispatcher({
      store: this.#store,
      optionsOf: (action) => this.#optionsOf(action),
      execute: (job, cancel, onWork) => this.#execute(job, cancel, onWork),
      settle: (job, outcome) => this.#settle(job, outcome),
      startFailed: (job, error) => this.#startFailed(job, error),
      stop: this.#stop.signal,
    })
    setMaxListeners(Infinity, this.#stop.signal) // one listener per running job
    recoverInterrupted(this.#store)
    // Shutdown stops dispatching at once; running jobs see the signal and go back to the queue.
    app.shutdownSignal.addEventListener('abort', () => this.#stop.abort(app.shutdownSignal.reason), { once: true })
  }

  /** Opens the store in `data_dir/jobs` (taking its lock) and replays the journal. */
  static open(app: App, options: StoreOptions = {}): EmbeddedBackend {
    return new EmbeddedBackend(app, resolve(app.cwd, app.settings.data_dir, 'jobs'), options)
  }

  async enqueue(input: NewJob): Promise<void> {
    const job: StoredJob = { ...input, status: 'queued', attempts: 0, maxAttempts: this.#optionsOf(input.action).attempts, interruptions: 0 }
    try {
      await this.#store.put(job)
    } catch (error) {
      throw new ServalError('unavailable', { detail: 'The job could not be stored', cause: error })
    }
    // Runs on a later turn (after its `start` record is synced), so the 202 goes out before any handler code.
    if (this.#dispatcher.runs(job.id)) this.#schedule(job)
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = this.#store.get(id)
    return job && toRecord(job)
  }

  async list(filter: JobFilter): Promise<JobPage> {
    return this.#store.list(filter)
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = this.#store.get(id)
    if (!job) return undefined
    const wasRunning = await this.#dispatcher.cancel(id, cancelledError(id))
    if (!wasRunning && job.status === 'queued') {
      this.#delayed.cancel(id)
      const problem = cancelledError(id).toProblem({ instance: `/jobs/${id}` })
      await this.#store.commit({ op: 'end', id, at: Date.now(), status: 'cancelled', error: problem })
    }
    return toRecord(job)
  }

  async work(options: WorkOptions): Promise<void> {
    if (!this.#dispatcher.start(options)) return
    for (const job of this.#store.values()) if (job.status === 'queued' && this.#dispatcher.runs(job.id)) this.#schedule(job, false)
    const retentions = this.#app.registry.list().map((a) => this.#optionsOf(a.name).retentionMs)
    this.#stopSweeper = startSweeper(this.#store, (action) => this.#optionsOf(action).retentionMs, Math.min(this.#app.settings.job_retention_s * 1000, ...retentions))
    this.#dispatcher.pump()
  }

  watch(listener: (job: JobRecord) => void): () => void {
    return this.#store.watch(listener)
  }

  async depth(): Promise<ReadonlyMap<string, number>> {
    const depth = new Map<string, number>(this.#app.registry.list().map((a) => [a.name, 0]))
    for (const job of this.#store.values()) if (job.status === 'queued') depth.set(job.action, (depth.get(job.action) ?? 0) + 1)
    return depth
  }

  info(): BackendInfo {
    let queued = 0
    for (const job of this.#store.values()) if (job.status === 'queued') queued++
    return { mode: 'embedded', workers: this.#dispatcher.workers, dataDir: this.#dir, queued, running: this.#dispatcher.running, kept: this.#store.size }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#stop.abort(new ServalError('unavailable', { detail: 'The job runner is stopping', publicDetail: true }))
    this.#stopSweeper?.()
    this.#delayed.clear()
    await this.#dispatcher.drain()
    await this.#store.close()
    this.#release()
  }

  /** Queues the job now, or once its `runAt` has come; `pump` starts it when a slot is free. */
  #schedule(job: StoredJob, pump = true): void {
    const ready = () => {
      this.#dispatcher.ready(job)
      this.#dispatcher.pump()
    }
    if (this.#delayed.at(job, ready)) return
    this.#dispatcher.ready(job)
    if (pump) this.#dispatcher.pump()
  }

  #execute(job: StoredJob, cancel: AbortSignal, onWork: (work: Promise<unknown>) => void): Promise<Outcome> {
    const action = this.#app.registry.get(job.action)
    if (!action) {
      const problem = new ServalError('job-failed', { detail: `This app has no action "${job.action}" any more` }).toProblem({ instance: `/jobs/${job.id}` })
      return Promise.resolve({ kind: 'failed', problem, retry: false })
    }
    const progress = (fraction: number, message?: string) => this.#progress(job, fraction, message)
    const { timeoutMs } = this.#optionsOf(job.action)
    return runAttempt(this.#app, { id: job.id, action, input: job.input, principal: job.principal, trigger: job.trigger, traceparent: job.traceparent, cancel, stop: this.#stop.signal, timeoutMs, progress, onWork })
  }

  #settle(job: StoredJob, outcome: Outcome): void {
    const op = outcomeOp(job, outcome, Date.now(), backoffDelay(this.#optionsOf(job.action).backoff, job.attempts))
    this.#store.change(op)
    if (op.op === 'retry') this.#schedule(job, false)
  }

  #startFailed(job: StoredJob, error: unknown): void {
    this.#app.logger.error({ err: error, jobId: job.id }, 'job not started: its start record could not be written')
    this.#store.change({ op: 'requeue', id: job.id, interrupted: false })
    job.runAt = Date.now() + START_RETRY_MS // in memory only: the journal is what failed
    if (!this.#stop.signal.aborted) this.#schedule(job, false)
  }

  #progress(job: StoredJob, fraction: number, message?: string): void {
    if (job.status !== 'running' || !Number.isFinite(fraction)) return
    job.progress = { fraction: Math.min(1, Math.max(0, fraction)), ...(message === undefined ? {} : { message: String(message) }) }
    this.#store.notify(job)
  }

  #optionsOf(name: string): ResolvedJobOptions {
    let options = this.#options.get(name)
    if (!options) {
      const action = this.#app.registry.get(name)
      options = action ? jobOptions(action, this.#app.settings) : { attempts: 1, backoff: { type: 'fixed', delayMs: 0 }, timeoutMs: undefined, concurrency: undefined, retentionMs: this.#app.settings.job_retention_s * 1000 }
      this.#options.set(name, options)
    }
    return options
  }
}
