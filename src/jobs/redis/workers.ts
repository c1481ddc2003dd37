import { setMaxListeners } from 'node:events'
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import type { App } from '../../app/app.ts'
import { ServalError } from '../../errors/index.ts'
import { backoffDelay, jobOptions } from '../options.ts'
import { cancelledError, runAttempt, type Outcome } from '../run.ts'
import { throttle } from '../throttle.ts'
import type { JobRecord, WorkOptions } from '../types.ts'
import { cancelChannel, SHARED_QUEUE } from './queues.ts'
import { encodeProblem, toRecord, type JobData, type JobResult } from './records.ts'

type BullJob = Job<JobData, JobResult>

/** How long a cancel for a job this process has not started yet is remembered. */
const CANCEL_MEMORY_MS = 60_000

/**
 * The BullMQ workers of one process: one per queue, each running up to
 * `workers` jobs at once (an action's own queue: up to its `concurrency`).
 * Cancels arrive on a pub/sub channel and abort the running handler's
 * `ctx.signal`; a job interrupted by shutdown goes back to the queue.
 *
 * @example
 * ```ts
 * const workers = await RedisWorkers.start(app, redis, ['jobs'], { workers: 4 }, new Set())
 * await workers.close()
 * ```
 */
export class RedisWorkers {
  readonly #app: App
  readonly #workers: Worker<JobData, JobResult>[] = []
  readonly #running = new Map<string, AbortController>()
  readonly #cancelled = new Map<string, number>()
  readonly #stop = new AbortController()
  readonly #watchers: ReadonlySet<(job: JobRecord) => void>
  readonly concurrency: number
  #subscriber: Redis | undefined
  #closing: Promise<void> | undefined

  private constructor(app: App, concurrency: number, watchers: ReadonlySet<(job: JobRecord) => void>) {
    this.#app = app
    this.concurrency = concurrency
    this.#watchers = watchers
    setMaxListeners(Infinity, this.#stop.signal) // one listener per running job
  }

  static async start(app: App, redis: Redis, queues: string[], options: WorkOptions, watchers: ReadonlySet<(job: JobRecord) => void>): Promise<RedisWorkers> {
    const self = new RedisWorkers(app, options.workers, watchers)
    await self.#subscribe(redis)
    for (const name of queues) self.#addWorker(redis, name, options.workers)
    await Promise.all(self.#workers.map((w) => w.waitUntilReady()))
    // Shutdown stops fetching at once; running jobs see the signal and go back to the queue.
    app.shutdownSignal.addEventListener('abort', () => void self.close(), { once: true })
    return self
  }

  async close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stop.abort(new ServalError('unavailable', { detail: 'The worker is stopping' }))
      await Promise.all(this.#workers.map((w) => w.close()))
      await this.#subscriber?.quit().catch(() => this.#subscriber?.disconnect())
    })()
    return this.#closing
  }

  async #subscribe(redis: Redis): Promise<void> {
    const subscriber = (this.#subscriber = redis.duplicate())
    subscriber.on('error', (error: Error) => this.#app.logger.warn({ err: error }, 'job cancel channel error'))
    subscriber.on('message', (_channel: string, id: string) => this.#onCancel(id))
    await subscriber.subscribe(cancelChannel(this.#app.settings.redis_prefix))
  }

  #onCancel(id: string): void {
    const running = this.#running.get(id)
    if (running) return running.abort(cancelledError(id))
    const now = Date.now()
    this.#cancelled.set(id, now)
    for (const [old, at] of this.#cancelled) if (at < now - CANCEL_MEMORY_MS) this.#cancelled.delete(old)
  }

  #addWorker(redis: Redis, name: string, workers: number): void {
    const own = name.startsWith(`${SHARED_QUEUE}-`) ? this.#app.registry.get(name.slice(SHARED_QUEUE.length + 1)) : undefined
    const limit = own ? jobOptions(own, this.#app.settings).concurrency : undefined
    const worker = new Worker<JobData, JobResult>(name, (job, token) => this.#process(job as BullJob, token), {
      connection: redis,
      prefix: this.#app.settings.redis_prefix,
      concurrency: Math.max(1, Math.min(workers, limit ?? workers)),
      // A capped backoff (backoff.maxDelayMs) is not one of BullMQ's own strategies.
      settings: { backoffStrategy: (attemptsMade: number, _type?: string, _error?: Error, job?: { name: string }) => this.#cappedBackoff(job?.name, attemptsMade) },
    })
    worker.on('error', (error) => this.#app.logger.warn({ err: error, queue: name }, 'job worker error'))
    worker.on('completed', (job) => this.#emit(job as BullJob, 'completed'))
    worker.on('failed', (job) => job && this.#emit(job as BullJob, 'failed'))
    this.#workers.push(worker)
  }

  #cappedBackoff(actionName: string | undefined, attemptsMade: number): number {
    const action = actionName === undefined ? undefined : this.#app.registry.get(actionName)
    return action ? backoffDelay(jobOptions(action, this.#app.settings).backoff, attemptsMade) : 0
  }

  async #process(job: BullJob, token: string | undefined): Promise<JobResult> {
    const id = String(job.id)
    if (job.data.cancelledAt !== undefined || this.#cancelled.delete(id)) throw final(cancelledError(id).toProblem({ instance: `/jobs/${id}` }))
    const cancel = new AbortController()
    this.#running.set(id, cancel)
    // Made on the first report: most handlers never call ctx.progress.
    let throttled: ReturnType<typeof throttle<[number, string?]>> | undefined
    const progress = (fraction: number, message?: string) => (throttled ??= throttle((f: number, m?: string) => this.#progress(job, f, m), 100))(fraction, message)
    try {
      const outcome = await this.#run(job, cancel.signal, progress)
      throttled?.flush()
      return await this.#result(job, token, outcome)
    } finally {
      this.#running.delete(id)
    }
  }

  #run(job: BullJob, cancel: AbortSignal, progress: (fraction: number, message?: string) => void): Promise<Outcome> {
    const id = String(job.id)
    const action = this.#app.registry.get(job.name)
    if (!action) {
      const problem = new ServalError('job-failed', { detail: `This worker has no action "${job.name}"` }).toProblem({ instance: `/jobs/${id}` })
      return Promise.resolve({ kind: 'failed', problem, retry: false })
    }
    const timeoutMs = jobOptions(action, this.#app.settings).timeoutMs
    const { input, principal = null, trigger = 'schedule' } = job.data
    return runAttempt(this.#app, { id, action, input, principal, trigger, cancel, stop: this.#stop.signal, timeoutMs, progress })
  }

  async #result(job: BullJob, token: string | undefined, outcome: Outcome): Promise<JobResult> {
    switch (outcome.kind) {
      case 'ok':
        return outcome.output === undefined ? {} : { output: outcome.output }
      case 'interrupted':
        // Shutdown: back to the queue for another worker, without using up an attempt.
        await job.moveToDelayed(Date.now(), token)
        throw new DelayedError()
      case 'cancelled':
        throw final(outcome.problem)
      case 'failed':
        throw outcome.retry ? new Error(encodeProblem(outcome.problem)) : final(outcome.problem)
    }
  }

  /** Tells the watchers (`serval run --job`, the bench) about a job this process runs; free without watchers. */
  #emit(job: BullJob, state: string): void {
    if (!this.#watchers.size) return
    const record = toRecord(job, state)
    for (const watcher of this.#watchers) watcher(record)
  }

  #progress(job: BullJob, fraction: number, message?: string): void {
    if (!Number.isFinite(fraction)) return
    const value = { fraction: Math.min(1, Math.max(0, fraction)), ...(message === undefined ? {} : { message: String(message) }) }
    job.updateProgress(value).then(
      () => this.#emit(job, 'active'),
      (error: unknown) => this.#app.logger.debug({ err: error, jobId: job.id }, 'progress update failed'),
    )
  }
}

function final(problem: import('../../errors/index.ts').Problem): UnrecoverableError {
  return new UnrecoverableError(encodeProblem(problem))
}
