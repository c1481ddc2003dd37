import { Job, Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { App } from '../../app/app.ts'
import { jobOptions } from '../options.ts'
import type { BackendHealth, BackendInfo, JobBackend, JobFilter, JobPage, JobRecord, NewJob, ScheduleSpec, WorkOptions } from '../types.ts'
import { markCancelled } from './cancels.ts'
import { connectRedis, redisErrorLog, unavailable, type RedisErrorLog, type RedisRole } from './connection.ts'
import { isJob, isJobId } from './ids.ts'
import { OwnerIndexWriter } from './index-writer.ts'
import { isQueueName } from './keys.ts'
import { listOwned, ownerKey, ownerMember } from './owners.ts'
import { redact } from './redact.ts'
import { cancelChannel, queueNameOf, SHARED_QUEUE } from './queues.ts'
import { toRecord, type JobData, type JobResult } from './records.ts'
import { syncSchedulers } from './schedulers.ts'
import { startSweeper } from './sweep.ts'
import { RedisWorkers } from './workers.ts'

type BullJob = Job<JobData, JobResult>
type BullQueue = Queue<JobData, JobResult>
type BullOpts = { attempts: number; backoff: { type: string; delay: number }; removeOnComplete: { age: number }; removeOnFail: { age: number } }
interface Found {
  readonly queue: BullQueue
  readonly job: BullJob
}

/**
 * Jobs on BullMQ: any number of API instances submit and read, any number
 * of `serval worker` (or `serval serve --workers N`) processes run them.
 * Job state is BullMQ's own (one source of truth); Serval adds its data
 * (input, principal, trigger), a problem document as the failure reason, a
 * per-submitter index for `GET /jobs`, and cancels stored on the job and
 * announced on a pub/sub channel. This side (the API) uses a `producer`
 * connection that fails fast: an outage is a 503, never a hang.
 *
 * @example
 * ```ts
 * const jobs = await RedisBackend.open(app, 'redis://127.0.0.1:6379')
 * ```
 */
export class RedisBackend implements JobBackend {
  readonly #app: App
  readonly #redis: Redis
  readonly #url: string
  readonly #errors: RedisErrorLog
  readonly #queues = new Map<string, BullQueue>()
  readonly #watchers = new Set<(job: JobRecord) => void>()
  readonly #opts = new Map<string, BullOpts>()
  readonly #index: OwnerIndexWriter
  #workers: RedisWorkers | undefined
  #sweeper: NodeJS.Timeout | undefined

  private constructor(app: App, redis: Redis, url: string, errors: RedisErrorLog) {
    this.#app = app
    this.#redis = redis
    this.#url = url
    this.#errors = errors
    this.#index = new OwnerIndexWriter(redis)
    for (const action of app.registry.list()) this.queueFor(action.name)
  }

  static async open(app: App, url: string): Promise<RedisBackend> {
    const errors = redisErrorLog(app.logger, url)
    return new RedisBackend(app, await connectRedis({ url, role: 'producer', prefix: app.settings.redis_prefix, errors }), url, errors)
  }

  get #prefix(): string {
    return this.#app.settings.redis_prefix
  }

  /** The BullMQ queue an action's jobs (and schedule ticks) go to. */
  queueFor(actionName: string): BullQueue {
    const action = this.#app.registry.get(actionName)
    return this.queueNamed(action ? queueNameOf(action) : SHARED_QUEUE)
  }

  /** A queue by name, also one that no action of this app uses any more (its jobs and schedulers remain). */
  queueNamed(name: string): BullQueue {
    let queue = this.#queues.get(name)
    if (!queue) {
      queue = new Queue<JobData, JobResult>(name, { connection: this.#redis, prefix: this.#prefix })
      queue.on('error', (error) => this.#errors(error, `queue ${name}`))
      this.#queues.set(name, queue)
    }
    return queue
  }

  /** Options every job (and schedule tick) of an action is added with. */
  jobOpts(actionName: string): BullOpts {
    let opts = this.#opts.get(actionName)
    if (!opts) this.#opts.set(actionName, (opts = this.#resolveOpts(actionName)))
    return opts
  }

  #resolveOpts(actionName: string): BullOpts {
    const action = this.#app.registry.get(actionName)
    const o = action ? jobOptions(action, this.#app.settings) : undefined
    const age = Math.ceil((o?.retentionMs ?? this.#app.settings.job_retention_s * 1000) / 1000)
    return {
      attempts: o?.attempts ?? 1,
      backoff: { type: o?.backoff.maxDelayMs !== undefined ? 'capped' : (o?.backoff.type ?? 'fixed'), delay: o?.backoff.delayMs ?? 0 },
      removeOnComplete: { age },
      removeOnFail: { age },
    }
  }

  /**
   * The owner-index entry first, then the job: an entry whose job never
   * arrived is trimmed by the sweeper, but a job is never missing from its
   * owner's listing. Entries go out batched (one ZADD per owner and tick),
   * and no MULTI: ioredis builds one by copying every BullMQ script onto it.
   */
  async enqueue(job: NewJob): Promise<void> {
    const queue = this.queueFor(job.action)
    const data: JobData = { input: job.input, principal: job.principal, trigger: job.trigger, ...(job.traceparent ? { traceparent: job.traceparent } : {}) }
    const bull: BullJob = new Job(queue, job.action, data, { ...this.jobOpts(job.action), jobId: job.id, timestamp: job.createdAt }, job.id)
    await guard(this.#index.add(ownerKey(this.#prefix, job.principal?.sub ?? null), job.createdAt, ownerMember(queue.name, job.id)))
    await guard(bull.addJob(await queue.backend.client))
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const found = await this.#find(id)
    return found && guard(this.#record(found))
  }

  async #record(found: Found): Promise<JobRecord> {
    const state = await found.job.getState()
    // The hash and the state are two reads: a hash read just before the job finished is read again.
    if ((state === 'completed' || state === 'failed') && !found.job.finishedOn) {
      const again = await this.#read(found.queue, String(found.job.id))
      if (again) return toRecord(again.job, state)
    }
    return toRecord(found.job, state)
  }

  async list(filter: JobFilter): Promise<JobPage> {
    const read = async (queueName: string, id: string) => {
      if (!isQueueName(queueName)) return undefined
      const found = await this.#read(this.queueNamed(queueName), id)
      return found && this.#record(found)
    }
    return guard(listOwned(this.#redis, ownerKey(this.#prefix, filter.owner), filter, read))
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const found = await this.#find(id)
    if (!found) return undefined
    return guard(this.#cancel(found))
  }

  async #cancel({ queue, job }: Found): Promise<JobRecord> {
    const id = String(job.id)
    const state = await job.getState()
    // A queued job carries its cancel in its data too: the worker that fetches it reads it without a round trip.
    if (state !== 'active' && state !== 'completed' && state !== 'failed') await job.updateData({ ...job.data, cancelledAt: Date.now() })
    // Stored and published: also for a queued job, which a worker may be fetching right now.
    await markCancelled(this.#redis, queue.toKey(id), cancelChannel(this.#prefix), id)
    return toRecord(job, await job.getState())
  }

  async work(options: WorkOptions): Promise<void> {
    if (this.#workers || options.workers <= 0) return
    const connect = (role: RedisRole) => connectRedis({ url: this.#url, role, prefix: this.#prefix, errors: this.#errors })
    this.#workers = await RedisWorkers.start(this.#app, { connect, errors: this.#errors, queues: [...this.#queues.keys()], options, watchers: this.#watchers })
    this.#sweeper = startSweeper({ redis: this.#redis, prefix: this.#prefix, queues: this.#queues, retentionS: (name) => this.#retentionOf(name), errors: this.#errors, everyMs: this.#app.settings.job_retention_s * 500 })
  }

  #retentionOf(queueName: string): number {
    return this.jobOpts(queueName.startsWith(`${SHARED_QUEUE}-`) ? queueName.slice(SHARED_QUEUE.length + 1) : '').removeOnComplete.age
  }

  watch(listener: (job: JobRecord) => void): () => void {
    this.#watchers.add(listener)
    return () => this.#watchers.delete(listener)
  }

  /** Healthy while the producer connection answers a PING (within its command timeout) and this process's workers are connected. */
  async health(): Promise<BackendHealth> {
    const pong = await this.#redis.ping().then(
      () => true,
      () => false,
    )
    if (!pong || (this.#workers && !this.#workers.connected)) return { ok: false, reason: `Redis at ${redact(this.#url)} is unreachable` }
    return { ok: true }
  }

  schedule(schedules: readonly ScheduleSpec[]): Promise<void> {
    const host = {
      redis: this.#redis,
      prefix: this.#prefix,
      logger: this.#app.logger,
      queueFor: (action: string) => this.queueFor(action),
      queueNamed: (name: string) => this.queueNamed(name),
      tickOpts: (action: string) => {
        const { attempts: _a, backoff: _b, ...opts } = this.jobOpts(action)
        return opts
      },
    }
    return syncSchedulers(host, schedules)
  }

  /** BullMQ's counts of each queue: a dedicated queue's under its action, the shared queue's under `*`. */
  async depth(): Promise<ReadonlyMap<string, number>> {
    const byQueue = new Map(this.#app.registry.list().map((a) => [queueNameOf(a), queueNameOf(a) === SHARED_QUEUE ? '*' : a.name]))
    const counts = await guard(Promise.all([...byQueue].map(async ([queue, label]) => [label, await this.queueNamed(queue).getJobCounts('wait', 'delayed', 'prioritized', 'waiting-children')] as const)))
    return new Map(counts.map(([label, c]) => [label, Object.values(c).reduce((sum, n) => sum + n, 0)]))
  }

  info(): BackendInfo {
    return { mode: 'redis', workers: this.#workers?.concurrency ?? 0, redis: redact(this.#url), prefix: this.#prefix, queues: [...this.#queues.keys()] }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper)
    await this.#workers?.close()
    await Promise.all([...this.#queues.values()].map((q) => q.close()))
    await this.#redis.quit().catch(() => this.#redis.disconnect())
  }

  /** The job with this id in one of this app's queues; only Serval-shaped ids are looked up (see ids.ts). */
  async #find(id: string): Promise<Found | undefined> {
    if (!isJobId(id)) return undefined
    const found = await guard(Promise.all([...this.#queues.values()].map((q) => this.#read(q, id))))
    return found.find((f) => f !== undefined)
  }

  async #read(queue: BullQueue, id: string): Promise<Found | undefined> {
    const job = (await queue.getJob(id)) as BullJob | undefined
    return job && isJob(job) ? { queue, job } : undefined
  }
}

function guard<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    throw unavailable(error)
  })
}
