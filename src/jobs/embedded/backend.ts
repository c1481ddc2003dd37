import { setMaxListeners } from 'node:events'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { App } from '../../app/app.ts'
import { ServalError } from '../../errors/index.ts'
import { backoffDelay, jobOptions, type ResolvedJobOptions } from '../options.ts'
import { cancelledError, runAttempt, type Outcome } from '../attempt.ts'
import type { BackendInfo, JobBackend, JobFilter, JobPage, JobRecord, NewJob, WorkOptions } from '../types.ts'
import { Journal, type CompactionPolicy } from './journal.ts'
import { acquireLock } from './lock.ts'
import { ReadyQueues } from './ready.ts'
import { applyOp, toRecord, type JournalOp, type StoredJob } from './state.ts'

/** A job interrupted this many times (crash or shutdown while it ran) fails instead of running again. */
const MAX_INTERRUPTIONS = 3

/**
 * Jobs in one process, kept in `data_dir/jobs/journal.ndjson` (see
 * `Journal`): a job is on disk before `POST /jobs` answers 202, and one
 * that was queued or running when the process died runs after restart
 * (at least once). One process owns a data_dir (a lock file says which).
 *
 * @example
 * ```ts
 * const jobs = EmbeddedBackend.open(app)
 * await jobs.work({ workers: 4 })
 * ```
 */
export class EmbeddedBackend implements JobBackend {
  readonly #app: App
  readonly #jobs = new Map<string, StoredJob>()
  readonly #ready = new ReadyQueues()
  readonly #running = new Map<string, { action: string; cancel: AbortController; done: Promise<void> }>()
  readonly #perAction = new Map<string, number>()
  readonly #timers = new Map<string, NodeJS.Timeout>()
  readonly #watchers = new Set<(job: JobRecord) => void>()
  /** Aborts when this process stops working: on shutdown, or `close()`. */
  readonly #stop = new AbortController()
  #closed = false
  readonly #options = new Map<string, ResolvedJobOptions>()
  readonly #journal: Journal
  readonly #release: () => void
  readonly #dir: string
  #work: WorkOptions | undefined
  #seq = 0
  #sweeper: NodeJS.Timeout | undefined

  private constructor(app: App, dir: string, policy?: CompactionPolicy) {
    this.#app = app
    this.#dir = dir
    mkdirSync(dir, { recursive: true })
    this.#release = acquireLock(join(dir, 'lock'))
    try {
      const snapshot = () => [...this.#jobs.values()].map((job) => ({ op: 'put', job }))
      const opened = Journal.open(join(dir, 'journal.ndjson'), snapshot, policy)
      this.#journal = opened.journal
      this.#journal.onError = (error) => app.logger.error({ err: error }, 'job journal write failed')
      if (opened.skipped) app.logger.warn({ skipped: opened.skipped }, 'job journal: skipped unreadable records')
      for (const op of opened.records) applyOp(this.#jobs, op as JournalOp)
    } catch (error) {
      this.#release()
      throw error
    }
    setMaxListeners(Infinity, this.#stop.signal) // one listener per running job
    this.#recover()
    // Shutdown stops dispatching at once; running jobs see the signal and go back to the queue.
    app.shutdownSignal.addEventListener('abort', () => this.#stop.abort(app.shutdownSignal.reason), { once: true })
  }

  /** Opens the store in `data_dir/jobs` (taking its lock) and replays the journal. */
  static open(app: App, policy?: CompactionPolicy): EmbeddedBackend {
    return new EmbeddedBackend(app, resolve(app.cwd, app.settings.data_dir, 'jobs'), policy)
  }

  async enqueue(input: NewJob): Promise<void> {
    const job: StoredJob = { ...input, status: 'queued', attempts: 0, maxAttempts: this.#optionsOf(input.action).attempts, interruptions: 0 }
    this.#jobs.set(job.id, job)
    try {
      await this.#journal.append({ op: 'put', job }, true)
    } catch (error) {
      this.#jobs.delete(job.id)
      throw new ServalError('unavailable', { detail: 'The job could not be stored', cause: error })
    }
    if (this.#work && (this.#work.only?.(job.id) ?? true)) {
      this.#push(job)
      this.#pump()
    }
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = this.#jobs.get(id)
    return job && toRecord(job)
  }

  async list(filter: JobFilter): Promise<JobPage> {
    const matches: JobRecord[] = []
    const wanted = filter.offset + filter.limit
    const all = [...this.#jobs.values()]
    for (let i = all.length - 1; i >= 0 && matches.length <= wanted; i--) {
      const job = all[i]!
      if (filter.action !== undefined && job.action !== filter.action) continue
      if (filter.status !== undefined && job.status !== filter.status) continue
      if ((job.principal?.sub ?? null) !== filter.owner) continue
      matches.push(toRecord(job))
    }
    return { items: matches.slice(filter.offset, wanted), more: matches.length > wanted }
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = this.#jobs.get(id)
    if (!job) return undefined
    const run = this.#running.get(id)
    if (run) {
      run.cancel.abort(cancelledError(id))
      await run.done
    } else if (job.status === 'queued') {
      clearTimeout(this.#timers.get(id))
      this.#timers.delete(id)
      const problem = cancelledError(id).toProblem({ instance: `/jobs/${id}` })
      await this.#change(job, { op: 'end', id, at: Date.now(), status: 'cancelled', error: problem }, true)
    }
    return toRecord(job)
  }

  async work(options: WorkOptions): Promise<void> {
    if (this.#work) return
    this.#work = options
    for (const job of this.#jobs.values()) if (job.status === 'queued' && (options.only?.(job.id) ?? true)) this.#push(job)
    this.#startSweeper()
    this.#pump()
  }

  watch(listener: (job: JobRecord) => void): () => void {
    this.#watchers.add(listener)
    return () => this.#watchers.delete(listener)
  }

  info(): BackendInfo {
    let queued = 0
    for (const job of this.#jobs.values()) if (job.status === 'queued') queued++
    return { mode: 'embedded', workers: this.#work?.workers ?? 0, dataDir: this.#dir, queued, running: this.#running.size, kept: this.#jobs.size }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#stop.abort(new ServalError('unavailable', { detail: 'The job runner is stopping' }))
    clearInterval(this.#sweeper)
    for (const timer of this.#timers.values()) clearTimeout(timer)
    await Promise.all([...this.#running.values()].map((r) => r.done))
    await this.#journal.close()
    this.#release()
  }

  /** Jobs that were running when the process died run again, unless they keep dying. */
  #recover(): void {
    for (const job of this.#jobs.values()) {
      if (job.status !== 'running') continue
      if (job.interruptions + 1 >= MAX_INTERRUPTIONS) {
        const error = new ServalError('job-failed', { detail: `The job was interrupted ${MAX_INTERRUPTIONS} times (the process stopped while it ran)` })
        void this.#change(job, { op: 'end', id: job.id, at: Date.now(), status: 'failed', error: error.toProblem({ instance: `/jobs/${job.id}` }) })
      } else void this.#change(job, { op: 'requeue', id: job.id, interrupted: true })
    }
  }

  #push(job: StoredJob): void {
    const wait = (job.runAt ?? 0) - Date.now()
    if (wait <= 0) return this.#ready.push(job.action, job.id, this.#seq++)
    this.#timers.set(job.id, setTimeout(() => {
      this.#timers.delete(job.id)
      this.#ready.push(job.action, job.id, this.#seq++)
      this.#pump()
    }, wait))
  }

  #pump(): void {
    const slots = this.#work?.workers ?? 0
    while (this.#running.size < slots && !this.#stop.signal.aborted) {
      const id = this.#ready.take(
        (action) => (this.#perAction.get(action) ?? 0) < (this.#optionsOf(action).concurrency ?? Infinity),
        (id) => this.#jobs.get(id)?.status === 'queued',
      )
      if (id === undefined) return
      this.#start(this.#jobs.get(id)!)
    }
  }

  #start(job: StoredJob): void {
    const cancel = new AbortController()
    const entry = { action: job.action, cancel, done: Promise.resolve() }
    this.#running.set(job.id, entry)
    this.#perAction.set(job.action, (this.#perAction.get(job.action) ?? 0) + 1)
    void this.#change(job, { op: 'start', id: job.id, at: Date.now() })
    entry.done = this.#execute(job, cancel.signal).then((outcome) => this.#settle(job, outcome))
  }

  async #execute(job: StoredJob, cancel: AbortSignal): Promise<Outcome> {
    const action = this.#app.registry.get(job.action)
    if (!action) {
      const problem = new ServalError('job-failed', { detail: `This app has no action "${job.action}" any more` }).toProblem({ instance: `/jobs/${job.id}` })
      return { kind: 'failed', problem, retry: false }
    }
    const progress = (fraction: number, message?: string) => this.#progress(job, fraction, message)
    const options = this.#optionsOf(job.action)
    return runAttempt(this.#app, { id: job.id, action, input: job.input, principal: job.principal, trigger: job.trigger, cancel, stop: this.#stop.signal, timeoutMs: options.timeoutMs, progress })
  }

  #settle(job: StoredJob, outcome: Outcome): void {
    this.#running.delete(job.id)
    this.#perAction.set(job.action, (this.#perAction.get(job.action) ?? 1) - 1)
    const at = Date.now()
    if (outcome.kind === 'ok') void this.#change(job, { op: 'end', id: job.id, at, status: 'succeeded', output: outcome.output })
    else if (outcome.kind === 'interrupted') void this.#change(job, { op: 'requeue', id: job.id, interrupted: false })
    else if (outcome.kind === 'cancelled') void this.#change(job, { op: 'end', id: job.id, at, status: 'cancelled', error: outcome.problem })
    else if (outcome.retry && job.attempts < job.maxAttempts) {
      const runAt = at + backoffDelay(this.#optionsOf(job.action).backoff, job.attempts)
      void this.#change(job, { op: 'retry', id: job.id, runAt, error: outcome.problem })
      this.#push(job)
    } else void this.#change(job, { op: 'end', id: job.id, at, status: 'failed', error: outcome.problem })
    this.#pump()
  }

  /** Applies a change in memory, journals it and tells the watchers. */
  #change(job: StoredJob, op: JournalOp, durable = false): Promise<void> | void {
    applyOp(this.#jobs, op)
    if (this.#watchers.size) {
      const record = toRecord(job)
      for (const watcher of this.#watchers) watcher(record)
    }
    return durable ? this.#journal.append(op, true) : this.#journal.append(op)
  }

  #progress(job: StoredJob, fraction: number, message?: string): void {
    if (job.status !== 'running' || !Number.isFinite(fraction)) return
    job.progress = { fraction: Math.min(1, Math.max(0, fraction)), ...(message === undefined ? {} : { message: String(message) }) }
    const record = toRecord(job)
    for (const watcher of this.#watchers) watcher(record)
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

  /** Removes finished jobs past their retention. */
  #startSweeper(): void {
    const shortest = Math.min(this.#app.settings.job_retention_s * 1000, ...this.#app.registry.list().map((a) => this.#optionsOf(a.name).retentionMs))
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(60_000, Math.max(250, shortest / 2)))
    this.#sweeper.unref()
  }

  #sweep(): void {
    const now = Date.now()
    for (const job of this.#jobs.values()) {
      if (job.finishedAt !== undefined && job.finishedAt + this.#optionsOf(job.action).retentionMs <= now) {
        void this.#change(job, { op: 'del', id: job.id })
      }
    }
  }
}
