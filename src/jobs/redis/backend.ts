import { Queue, type Job, type JobType } from 'bullmq'
import type { Redis } from 'ioredis'
import type { App } from '../../app/app.ts'
import { jobOptions } from '../options.ts'
import type { BackendInfo, JobBackend, JobFilter, JobPage, JobRecord, JobStatus, NewJob, WorkOptions } from '../types.ts'
import { connectRedis } from './connection.ts'
import { redact } from './redact.ts'
import { cancelChannel, queueNameOf, SHARED_QUEUE } from './queues.ts'
import { toRecord, type JobData, type JobResult } from './records.ts'
import { RedisWorkers } from './workers.ts'

type BullJob = Job<JobData, JobResult>
type BullOpts = { attempts: number; backoff: { type: string; delay: number }; removeOnComplete: { age: number }; removeOnFail: { age: number } }

/** BullMQ states each Serval status can be in (a cancelled job is failed, or still queued with `cancelledAt`). */
const STATES: Record<JobStatus, JobType[]> = {
  queued: ['waiting', 'delayed', 'prioritized', 'waiting-children'],
  running: ['active'],
  succeeded: ['completed'],
  failed: ['failed'],
  cancelled: ['failed', 'waiting', 'delayed', 'prioritized'],
}
const ALL_STATES: JobType[] = ['waiting', 'delayed', 'prioritized', 'waiting-children', 'active', 'completed', 'failed']

/** `GET /jobs` looks at this many of the newest jobs per queue and state. */
const LIST_SCAN = 1000

/**
 * Jobs on BullMQ: any number of API instances submit and read, any number
 * of `serval worker` (or `serval serve --workers N`) processes run them.
 * Job state is BullMQ's own (one source of truth); Serval adds its data
 * (input, principal, trigger), a problem document as the failure reason,
 * and a pub/sub channel that carries cancels to whichever process runs the job.
 *
 * @example
 * ```ts
 * const jobs = await RedisBackend.open(app, 'redis://127.0.0.1:6379')
 * ```
 */
export class RedisBackend implements JobBackend {
  readonly #app: App
  readonly #redis: Redis
  readonly #queues = new Map<string, Queue<JobData, JobResult>>()
  readonly #watchers = new Set<(job: JobRecord) => void>()
  readonly #url: string
  readonly #opts = new Map<string, BullOpts>()
  #workers: RedisWorkers | undefined
  #sweeper: NodeJS.Timeout | undefined

  private constructor(app: App, redis: Redis, url: string) {
    this.#app = app
    this.#redis = redis
    this.#url = url
    for (const action of app.registry.list()) this.queueFor(action.name)
  }

  static async open(app: App, url: string): Promise<RedisBackend> {
    return new RedisBackend(app, await connectRedis(url, app.logger), url)
  }

  /** The BullMQ queue an action's jobs (and schedule ticks) go to. */
  queueFor(actionName: string): Queue<JobData, JobResult> {
    const action = this.#app.registry.get(actionName)
    const name = action ? queueNameOf(action) : SHARED_QUEUE
    let queue = this.#queues.get(name)
    if (!queue) {
      queue = new Queue<JobData, JobResult>(name, { connection: this.#redis, prefix: this.#app.settings.redis_prefix })
      queue.on('error', (error) => this.#app.logger.warn({ err: error, queue: name }, 'job queue error'))
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

  async enqueue(job: NewJob): Promise<void> {
    const data: JobData = { input: job.input, principal: job.principal, trigger: job.trigger }
    await this.queueFor(job.action).add(job.action, data, { ...this.jobOpts(job.action), jobId: job.id, timestamp: job.createdAt })
  }

  async get(id: string): Promise<JobRecord | undefined> {
    let job = await this.#find(id)
    if (!job) return undefined
    const state = await job.getState()
    // The hash and the state are two reads: a hash read just before the job finished is read again.
    if ((state === 'completed' || state === 'failed') && !job.finishedOn) job = (await this.#find(id)) ?? job
    return toRecord(job, state)
  }

  async list(filter: JobFilter): Promise<JobPage> {
    const queues = filter.action === undefined ? [...this.#queues.values()] : [this.queueFor(filter.action)]
    const states = filter.status ? STATES[filter.status] : ALL_STATES
    const found: JobRecord[] = []
    for (const queue of queues) {
      for (const state of states) {
        for (const job of (await queue.getJobs([state], 0, LIST_SCAN - 1, false)) as BullJob[]) {
          if (!job || (filter.action !== undefined && job.name !== filter.action)) continue
          const record = toRecord(job, state)
          if ((filter.status === undefined || record.status === filter.status) && (record.principal?.sub ?? null) === filter.owner) found.push(record)
        }
      }
    }
    const unique = [...new Map(found.map((r) => [r.id, r])).values()].sort((a, b) => b.createdAt - a.createdAt)
    const end = filter.offset + filter.limit
    return { items: unique.slice(filter.offset, end), more: unique.length > end }
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const job = await this.#find(id)
    if (!job) return undefined
    const state = await job.getState()
    if (state !== 'active' && state !== 'completed' && state !== 'failed') {
      await job.updateData({ ...job.data, cancelledAt: Date.now() })
    }
    // Also for a queued job: a worker may be fetching it right now.
    await this.#redis.publish(cancelChannel(this.#app.settings.redis_prefix), id)
    return toRecord(job, await job.getState())
  }

  async work(options: WorkOptions): Promise<void> {
    if (this.#workers || options.workers <= 0) return
    this.#workers = await RedisWorkers.start(this.#app, this.#redis, [...this.#queues.keys()], options, this.#watchers)
    this.#startSweeper()
  }

  watch(listener: (job: JobRecord) => void): () => void {
    this.#watchers.add(listener)
    return () => this.#watchers.delete(listener)
  }

  info(): BackendInfo {
    return { mode: 'redis', workers: this.#workers?.concurrency ?? 0, redis: redact(this.#url), prefix: this.#app.settings.redis_prefix, queues: [...this.#queues.keys()] }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper)
    await this.#workers?.close()
    await Promise.all([...this.#queues.values()].map((q) => q.close()))
    await this.#redis.quit().catch(() => this.#redis.disconnect())
  }

  async #find(id: string): Promise<BullJob | undefined> {
    const jobs = await Promise.all([...this.#queues.values()].map((q) => q.getJob(id)))
    return jobs.find((j): j is BullJob => j !== undefined && j !== null)
  }

  /** BullMQ ages finished jobs out only when another one finishes; this sweep covers idle queues. */
  #startSweeper(): void {
    const sweep = () => {
      for (const [name, queue] of this.#queues) {
        const age = this.jobOpts(name.startsWith(`${SHARED_QUEUE}-`) ? name.slice(SHARED_QUEUE.length + 1) : '').removeOnComplete.age * 1000
        for (const type of ['completed', 'failed'] as const) {
          queue.clean(age, 1000, type).catch((error: unknown) => this.#app.logger.warn({ err: error, queue: name }, 'job sweep failed'))
        }
      }
    }
    this.#sweeper = setInterval(sweep, Math.min(60_000, Math.max(1000, (this.#app.settings.job_retention_s * 1000) / 2)))
    this.#sweeper.unref()
  }
}
