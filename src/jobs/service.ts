import { randomUUID } from 'node:crypto'
import type { App } from '../app/app.ts'
import type { Principal } from '../auth/principal.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { Credentials } from '../core/security.ts'
import { assertEnabled } from '../core/switch.ts'
import { ServalError } from '../errors/index.ts'
import { invalidInput } from '../schema/index.ts'
import { activeTraceparent } from '../tracing/traceparent.ts'
import { openBackend } from './open.ts'
import { jobOptions } from './options.ts'
import { isSystemJob, mayAccess, runAs, seesSystemJobs, SYSTEM_OWNER, SYSTEM_SUB } from './owner.ts'
import { isFinished, type BackendHealth, type JobBackend, type JobFilter, type JobPage, type JobRecord, type WorkOptions } from './types.ts'

/** Who submits a job: credentials to check, or a principal already verified (`null` = trusted code: the job is the system's). */
export type Submitter = { readonly credentials: Credentials | undefined } | { readonly principal: Principal | null }

const services = new WeakMap<App, JobService>()

/**
 * The jobs of one app, whichever backend holds them: submission (auth and
 * validation before anything is queued), reads scoped to the submitter,
 * cancel, and waiting for a result. HTTP, the CLI and schedules use it.
 *
 * @example
 * ```ts
 * const jobs = jobsOf(app)
 * const job = await jobs.submit(app.registry.get('resize')!, { width: 10 }, { principal: null })
 * const done = await jobs.wait(job.id)
 * ```
 */
export class JobService {
  readonly #app: App
  #backend: Promise<JobBackend> | undefined
  #opened: JobBackend | undefined

  constructor(app: App) {
    this.#app = app
  }

  /** The backend, opened on first use (`data_dir` lock and journal replay, or the Redis connection). */
  backend(): Promise<JobBackend> {
    if (this.#backend) return this.#backend
    const opening = openBackend(this.#app).then((b) => (this.#opened = b))
    // A failed open (store locked, Redis down) may succeed later.
    opening.catch(() => {
      if (this.#backend === opening) this.#backend = undefined
    })
    return (this.#backend = opening)
  }

  /** Starts running jobs in this process. */
  async work(options: WorkOptions): Promise<void> {
    if (options.workers > 0) await (await this.backend()).work(options)
  }

  /**
   * Authenticates, validates and authorizes, then stores the job: a bad input or caller never queues.
   * The job keeps the trace it was submitted in (the active span, else `traceparent`, a caller's header).
   */
  async submit(action: CompiledAction, rawInput: unknown, who: Submitter, trigger: 'job' | 'schedule' = 'job', traceparent?: string): Promise<JobRecord> {
    assertEnabled(this.#app.actionSwitch, action) // refused now, not queued to fail later
    const security = this.#app.security
    const principal = 'principal' in who ? (who.principal ?? SYSTEM_OWNER) : await security.authenticate(action, who.credentials)
    if (principal?.sub === SYSTEM_SUB && !('principal' in who)) throw new ServalError('forbidden', { detail: `The subject "${SYSTEM_SUB}" is reserved` })
    const input = rawInput === undefined ? {} : rawInput
    let checked = action.input.validate(input)
    if (checked instanceof Promise) checked = await checked
    if (!checked.ok) throw invalidInput(checked.issues)
    if (!security.open) await security.authorize(action, runAs(principal), checked.value)
    const backend = await this.backend()
    const trace = activeTraceparent(traceparent)
    const job = { id: randomUUID(), action: action.name, input, principal, trigger, createdAt: Date.now(), ...(trace ? { traceparent: trace } : {}) }
    await backend.enqueue(job)
    const maxAttempts = jobOptions(action, this.#app.settings).attempts
    return { id: job.id, action: job.action, status: 'queued', trigger, createdAt: job.createdAt, attempts: 0, maxAttempts, principal }
  }

  /** The job, when `caller` may see it (see `mayAccess`). */
  async get(id: string, caller: Principal | null): Promise<JobRecord | undefined> {
    const job = await (await this.backend()).get(id)
    return job && mayAccess(job, caller, this.#app.security.open) ? job : undefined
  }

  /**
   * The caller's jobs, newest first. Under auth, an anonymous caller has
   * none of its own (listing every anonymous job would show other callers'
   * jobs). Callers that see the system's jobs (admins; everyone without
   * auth) get them merged in: webhook deliveries, ticks, background jobs.
   */
  async list(filter: Omit<JobFilter, 'owner'>, caller: Principal | null): Promise<JobPage> {
    const open = this.#app.security.open
    const backend = await this.backend()
    if (caller === SYSTEM_OWNER) return backend.list({ ...filter, owner: SYSTEM_SUB })
    const own = caller === null && !open ? undefined : caller?.sub === SYSTEM_SUB ? undefined : (caller?.sub ?? null)
    const owners = [...(own === undefined ? [] : [own]), ...(seesSystemJobs(caller, open) ? [SYSTEM_SUB] : [])]
    if (owners.length === 0) return { items: [], more: false }
    if (owners.length === 1) return withoutStrays(await backend.list({ ...filter, owner: owners[0]! }), owners[0]!)
    return mergePages(await Promise.all(owners.map(async (owner) => withoutStrays(await backend.list({ ...filter, owner, offset: 0, limit: filter.offset + filter.limit + 1 }), owner))), filter)
  }

  /** Cancels a queued or running job; a finished one is a 409 `job-finished` (unless it was cancelled already). */
  async cancel(id: string, caller: Principal | null): Promise<JobRecord | undefined> {
    const job = await this.get(id, caller)
    if (!job || job.status === 'cancelled') return job
    if (isFinished(job.status)) throw new ServalError('job-finished', { detail: `Job ${id} already ${job.status}`, extensions: { jobId: id, jobStatus: job.status } })
    return (await this.backend()).cancel(id)
  }

  /**
   * Resolves once the job finished, calling `onChange` on every change
   * seen (status, progress). Watches this process's jobs and polls for
   * jobs other processes run.
   */
  async wait(id: string, onChange?: (job: JobRecord) => void, signal?: AbortSignal): Promise<JobRecord> {
    const backend = await this.backend()
    return new Promise<JobRecord>((resolve, reject) => {
      let last = ''
      let done = false
      const seen = (job: JobRecord | undefined) => {
        if (done) return
        if (!job) return finish(new ServalError('not-found', { detail: `No job ${id}` }))
        const key = JSON.stringify([job.status, job.progress, job.attempts])
        if (key !== last) onChange?.(job)
        last = key
        if (isFinished(job.status)) finish(undefined, job)
      }
      const poll = () => backend.get(id).then(seen, (error: unknown) => finish(error))
      const unwatch = backend.watch((job) => job.id === id && seen(job))
      const timer = setInterval(poll, 200)
      const onAbort = () => finish(signal?.reason)
      signal?.addEventListener('abort', onAbort, { once: true })
      function finish(error: unknown, job?: JobRecord) {
        done = true
        unwatch()
        clearInterval(timer)
        signal?.removeEventListener('abort', onAbort)
        if (job) resolve(job)
        else reject(error)
      }
      void poll()
    })
  }

  /** Whether the backend can serve (Redis reachable). Redis is opened here if no request has yet; embedded has nothing to check before. */
  async health(): Promise<BackendHealth> {
    if (!this.#opened && !this.#app.settings.redis_url) return { ok: true }
    const backend = await this.backend().catch(() => undefined)
    if (!backend) return { ok: false, reason: 'the job store cannot be opened' }
    return (await backend.health?.()) ?? { ok: true }
  }

  /** Jobs waiting per action (see `JobBackend.depth`); undefined while no backend is open here (nothing is opened to answer). */
  async depth(): Promise<ReadonlyMap<string, number> | undefined> {
    return this.#opened?.depth?.()
  }

  /** Calls `listener` on every change of a job this process runs, once the backend is open; returns the unsubscribe function. */
  watch(listener: (job: JobRecord) => void): () => void {
    let stop: (() => void) | undefined
    let stopped = false
    void this.backend().then(
      (backend) => {
        if (!stopped) stop = backend.watch(listener)
      },
      () => undefined,
    )
    return () => {
      stopped = true
      stop?.()
    }
  }

  /** What `/_sys/info` shows. */
  info(): Record<string, unknown> {
    return this.#opened ? { ...this.#opened.info() } : { mode: this.#app.settings.redis_url ? 'redis' : 'embedded', workers: 0, open: false }
  }

  async close(): Promise<void> {
    const backend = this.#backend
    this.#backend = Promise.reject(new ServalError('unavailable', { detail: 'The job service is closed', publicDetail: true }))
    this.#backend.catch(() => undefined)
    if (backend) await (await backend.catch(() => undefined))?.close()
  }
}

/**
 * The job service of an app (made on first use).
 *
 * @example
 * ```ts
 * const page = await jobsOf(app).list({ limit: 10, offset: 0 }, null)
 * ```
 */
export function jobsOf(app: App): JobService {
  let service = services.get(app)
  if (!service) services.set(app, (service = new JobService(app)))
  return service
}

/** Ticks stored without an owner (older schedulers) match the anonymous owner: they are the system's, never listed as anonymous jobs. */
function withoutStrays(page: JobPage, owner: string | null): JobPage {
  return owner === SYSTEM_SUB ? page : { ...page, items: page.items.filter((job) => !isSystemJob(job)) }
}

/** One page of several owners' listings, each read from its start to the page's end: newest first, then the page cut out. */
function mergePages(pages: readonly JobPage[], filter: Pick<JobFilter, 'limit' | 'offset'>): JobPage {
  const all = pages.flatMap((p) => p.items).sort((a, b) => b.createdAt - a.createdAt)
  return { items: all.slice(filter.offset, filter.offset + filter.limit), more: all.length > filter.offset + filter.limit || pages.some((p) => p.more) }
}
