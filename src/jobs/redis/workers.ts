import { setMaxListeners } from 'node:events'
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import type { App } from '../../app/app.ts'
import { ServalError } from '../../errors/index.ts'
import { backoffDelay, jobOptions } from '../options.ts'
import { cancelledError, runAttempt, type Outcome } from '../attempt.ts'
import { throttle } from '../throttle.ts'
import type { JobRecord, WorkOptions } from '../types.ts'
import { storedCancels } from './cancels.ts'
import type { RedisErrorLog, RedisRole } from './connection.ts'
import { ownerKey, ownerMember } from './owners.ts'
import { cancelChannel, SHARED_QUEUE } from './queues.ts'
import { SharedSlots, type SlotMember } from './slots.ts'
import { encodeProblem, toRecord, type JobData, type JobResult } from './records.ts'

type BullJob = Job<JobData, JobResult>

/** How long a cancel for a job this process has not started yet is remembered. */
const CANCEL_MEMORY_MS = 60_000
/** How often running jobs are checked for a stored cancel (one that the pub/sub message may not have brought). */
const CANCEL_CHECK_MS = 2000

/**
 * What the workers of one process start with.
 *
 * @example
 * ```ts
 * await RedisWorkers.start(app, { connect, errors, queues: ['jobs'], options: { workers: 4 }, watchers: new Set() })
 * ```
 */
export interface WorkersInit {
  /** Opens a connection for a role (see connection.ts): workers wait out an outage, the producer does not. */
  readonly connect: (role: RedisRole) => Promise<Redis>
  readonly errors: RedisErrorLog
  readonly queues: readonly string[]
  readonly options: WorkOptions
  readonly watchers: ReadonlySet<(job: JobRecord) => void>
}

interface Running {
  readonly cancel: AbortController
  /** The job's hash, where a stored cancel is. */
  readonly key: string
}

/**
 * The BullMQ workers of one process: one per queue, running `workers`
 * jobs at once in all (see {@link SharedSlots}; an action's own queue: up
 * to its `concurrency`).
 * Cancels arrive on a pub/sub channel and abort the running handler's
 * `ctx.signal`; as a channel can miss a message (its connection was cut),
 * the cancel stored on the job is also checked on resubscribe, every
 * couple of seconds, and before a retry. A job interrupted by shutdown
 * goes back to the queue.
 *
 * @example
 * ```ts
 * const workers = await RedisWorkers.start(app, { connect, errors, queues: ['jobs'], options: { workers: 4 }, watchers: new Set() })
 * await workers.close()
 * ```
 */
export class RedisWorkers {
  readonly #app: App
  readonly #workers: Worker<JobData, JobResult>[] = []
  readonly #running = new Map<string, Running>()
  readonly #cancelled = new Map<string, number>()
  readonly #stop = new AbortController()
  readonly #watchers: ReadonlySet<(job: JobRecord) => void>
  readonly #errors: RedisErrorLog
  readonly concurrency: number
  readonly #slots: SharedSlots
  #redis!: Redis
  #subscriber!: Redis
  #checker: NodeJS.Timeout | undefined
  #closing: Promise<void> | undefined

  private constructor(app: App, init: WorkersInit) {
    this.#app = app
    this.concurrency = init.options.workers
    this.#slots = new SharedSlots(init.options.workers)
    this.#watchers = init.watchers
    this.#errors = init.errors
    setMaxListeners(Infinity, this.#stop.signal) // one listener per running job
  }

  static async start(app: App, init: WorkersInit): Promise<RedisWorkers> {
    const self = new RedisWorkers(app, init)
    const [redis, subscriber] = await Promise.all([init.connect('worker'), init.connect('subscriber')])
    self.#redis = redis
    self.#subscriber = subscriber
    try {
      await self.#subscribe()
      for (const name of init.queues) self.#addWorker(name)
      self.#slots.rebalance() // synchronously, before any worker fetches (they first wait for their connection)
      await Promise.all(self.#workers.map((w) => w.waitUntilReady()))
    } catch (error) {
      await self.close()
      throw error
    }
    self.#checker = setInterval(() => self.#checkStoredCancels(), CANCEL_CHECK_MS)
    self.#checker.unref()
    // Shutdown stops fetching at once; running jobs see the signal and go back to the queue.
    app.shutdownSignal.addEventListener('abort', () => void self.close(), { once: true })
    return self
  }

  /** True while this process's worker and subscriber connections are up. */
  get connected(): boolean {
    return this.#redis.status === 'ready' && this.#subscriber.status === 'ready'
  }

  async close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#checker)
      this.#stop.abort(new ServalError('unavailable', { detail: 'The worker is stopping', publicDetail: true }))
      await Promise.all(this.#workers.map((w) => w.close()))
      await Promise.all([this.#subscriber, this.#redis].map((r) => r?.quit().catch(() => r.disconnect())))
    })()
    return this.#closing
  }

  async #subscribe(): Promise<void> {
    const subscriber = this.#subscriber
    subscriber.on('message', (_channel: string, id: string) => this.#onCancel(id))
    // After a reconnect (ioredis resubscribes by itself): a cancel published meanwhile was lost, the stored one is not.
    subscriber.on('ready', () => this.#checkStoredCancels())
    await subscriber.subscribe(cancelChannel(this.#app.settings.redis_prefix))
  }

  #checkStoredCancels(): void {
    const running = [...this.#running]
    if (running.length === 0) return
    storedCancels(this.#redis, running.map(([, r]) => r.key)).then(
      (cancelled) => running.forEach(([id, r], i) => cancelled[i] && r.cancel.abort(cancelledError(id))),
      (error: unknown) => this.#errors(error, 'cancel check'),
    )
  }

  #onCancel(id: string): void {
    const running = this.#running.get(id)
    if (running) return running.cancel.abort(cancelledError(id))
    const now = Date.now()
    this.#cancelled.set(id, now)
    for (const [old, at] of this.#cancelled) if (at < now - CANCEL_MEMORY_MS) this.#cancelled.delete(old)
  }

  #addWorker(name: string): void {
    const own = name.startsWith(`${SHARED_QUEUE}-`) ? this.#app.registry.get(name.slice(SHARED_QUEUE.length + 1)) : undefined
    const limit = (own && jobOptions(own, this.#app.settings).concurrency) ?? this.#slots.total
    // The worker's slot exists once the worker does; BullMQ calls the processor only after that.
    const slot: { member?: SlotMember } = {}
    const worker = new Worker<JobData, JobResult>(name, (job, token) => this.#process(job as BullJob, token, slot.member!), {
      connection: this.#redis,
      prefix: this.#app.settings.redis_prefix,
      concurrency: this.#slots.initial(limit),
      // A capped backoff (backoff.maxDelayMs) is not one of BullMQ's own strategies.
      settings: { backoffStrategy: (attemptsMade: number, _type?: string, _error?: Error, job?: { name: string }) => this.#cappedBackoff(job?.name, attemptsMade) },
    })
    slot.member = this.#slots.add(worker, limit)
    worker.on('error', (error) => this.#errors(error, `worker ${name}`))
    worker.on('completed', (job) => this.#emit(job as BullJob, 'completed'))
    worker.on('failed', (job) => job && this.#emit(job as BullJob, 'failed'))
    this.#workers.push(worker)
  }

  #cappedBackoff(actionName: string | undefined, attemptsMade: number): number {
    const action = actionName === undefined ? undefined : this.#app.registry.get(actionName)
    return action ? backoffDelay(jobOptions(action, this.#app.settings).backoff, attemptsMade) : 0
  }

  async #process(job: BullJob, token: string | undefined, slot: SlotMember): Promise<JobResult> {
    await this.#slots.acquire(slot)
    try {
      const id = String(job.id)
      const key = `${job.queueQualifiedName}:${id}`
      if (await this.#cancelledBeforeStart(job, id, key)) throw final(cancelledError(id).toProblem({ instance: `/jobs/${id}` }))
      // A tick is made by BullMQ's scheduler, not by a submit: it joins its owner's listing when it runs.
      if (job.data.trigger === 'schedule') await this.#redis.zadd(ownerKey(this.#app.settings.redis_prefix, job.data.principal?.sub ?? null), job.timestamp, ownerMember(job.queueName, id))
      return await this.#execute(job, token, id, key)
    } finally {
      this.#slots.release(slot)
    }
  }

  async #execute(job: BullJob, token: string | undefined, id: string, key: string): Promise<JobResult> {
    const cancel = new AbortController()
    this.#running.set(id, { cancel, key })
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

  /** Cancelled while queued: marked in its data, announced to this process, or (for a retry only, to spare the round trip) stored. */
  async #cancelledBeforeStart(job: BullJob, id: string, key: string): Promise<boolean> {
    if (job.data.cancelledAt !== undefined || this.#cancelled.delete(id)) return true
    return job.attemptsMade > 0 && (await storedCancels(this.#redis, [key]))[0] === true
  }

  #run(job: BullJob, cancel: AbortSignal, progress: (fraction: number, message?: string) => void): Promise<Outcome> {
    const id = String(job.id)
    const action = this.#app.registry.get(job.name)
    if (!action) {
      const problem = new ServalError('job-failed', { detail: `This worker has no action "${job.name}"` }).toProblem({ instance: `/jobs/${id}` })
      return Promise.resolve({ kind: 'failed', problem, retry: false })
    }
    const timeoutMs = jobOptions(action, this.#app.settings).timeoutMs
    const { input, principal = null, trigger = 'schedule', traceparent } = job.data
    return runAttempt(this.#app, { id, action, input, principal, trigger, traceparent, cancel, stop: this.#stop.signal, timeoutMs, progress })
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
