import type { ResolvedJobOptions } from '../options.ts'
import type { Outcome } from '../attempt.ts'
import type { WorkOptions } from '../types.ts'
import { ReadyQueues } from './ready.ts'
import type { StoredJob } from './state.ts'
import type { JobStore } from './store.ts'

/** What the dispatcher needs from the backend. */
export interface DispatchDeps {
  readonly store: JobStore
  readonly optionsOf: (action: string) => ResolvedJobOptions
  /** Runs one attempt; `onWork` gets the handler's own promise, which may outlive the attempt. */
  readonly execute: (job: StoredJob, cancel: AbortSignal, onWork: (work: Promise<unknown>) => void) => Promise<Outcome>
  /** Records how a run ended. */
  readonly settle: (job: StoredJob, outcome: Outcome) => void
  /** The `start` record could not be written: the job did not run. */
  readonly startFailed: (job: StoredJob, error: unknown) => void
  readonly stop: AbortSignal
}

interface Run {
  readonly cancel: AbortController
  /** Resolves once the run's outcome is recorded. */
  ended: Promise<void>
}

/**
 * Runs ready jobs within the limits: `workers` at once, and each
 * action's `concurrency`. A slot is held until the handler's own promise
 * settles, not just until its run ended: a handler that ignores its
 * signal after a timeout or cancel still counts. A job's `start` record
 * is on disk before its handler runs, so a handler that kills the process
 * is seen, at restart, as an interrupted run (and capped).
 *
 * @example
 * ```ts
 * const dispatcher = new Dispatcher(deps)
 * dispatcher.start({ workers: 4 })
 * dispatcher.ready(job)
 * ```
 */
export class Dispatcher {
  readonly #deps: DispatchDeps
  readonly #ready = new ReadyQueues()
  readonly #running = new Map<string, Run>()
  readonly #perAction = new Map<string, number>()
  #work: WorkOptions | undefined
  #busy = 0
  #seq = 0

  constructor(deps: DispatchDeps) {
    this.#deps = deps
  }

  /** Starts dispatching; false if it already had. */
  start(options: WorkOptions): boolean {
    if (this.#work) return false
    this.#work = options
    return true
  }

  /** True when this process runs the job (it works, and `only` lets it). */
  runs(id: string): boolean {
    return this.#work !== undefined && (this.#work.only?.(id) ?? true)
  }

  /** Jobs run at once (0 until started). */
  get workers(): number {
    return this.#work?.workers ?? 0
  }

  /** Jobs whose run has not ended yet. */
  get running(): number {
    return this.#running.size
  }

  /** Queues a job to run as soon as the limits allow. */
  ready(job: StoredJob): void {
    this.#ready.push(job.action, job.id, this.#seq++)
  }

  /** Starts ready jobs while there are free slots. */
  pump(): void {
    const slots = this.#work?.workers ?? 0
    while (this.#busy < slots && !this.#deps.stop.aborted) {
      const id = this.#ready.take(
        (action) => (this.#perAction.get(action) ?? 0) < (this.#deps.optionsOf(action).concurrency ?? Infinity),
        (id) => this.#deps.store.get(id)?.status === 'queued',
      )
      if (id === undefined) return
      this.#start(this.#deps.store.get(id)!)
    }
  }

  /** Aborts a running job's signal and waits for its outcome; false if it was not running here. */
  async cancel(id: string, reason: unknown): Promise<boolean> {
    const run = this.#running.get(id)
    if (!run) return false
    run.cancel.abort(reason)
    await run.ended
    return true
  }

  /** Resolves once every run has ended (handlers that ignore their signal are not waited for). */
  async drain(): Promise<void> {
    await Promise.all(Array.from(this.#running.values(), (r) => r.ended))
  }

  #start(job: StoredJob): void {
    this.#take(job.action, 1)
    const run: Run = { cancel: new AbortController(), ended: Promise.resolve() }
    this.#running.set(job.id, run)
    run.ended = this.#run(job, run.cancel.signal)
  }

  async #run(job: StoredJob, cancel: AbortSignal): Promise<void> {
    let work: Promise<unknown> | undefined
    try {
      await this.#deps.store.commit({ op: 'start', id: job.id, at: Date.now() })
    } catch (error) {
      this.#end(job, undefined)
      return this.#deps.startFailed(job, error)
    }
    const outcome = await this.#deps.execute(job, cancel, (w) => (work = w))
    this.#end(job, work)
    this.#deps.settle(job, outcome)
  }

  /** The run is over; its slot frees once the handler itself settles. */
  #end(job: StoredJob, work: Promise<unknown> | undefined): void {
    this.#running.delete(job.id)
    const free = () => {
      this.#take(job.action, -1)
      this.pump()
    }
    if (work) work.then(free, free)
    else queueMicrotask(free)
  }

  #take(action: string, n: 1 | -1): void {
    this.#busy += n
    this.#perAction.set(action, (this.#perAction.get(action) ?? 0) + n)
  }
}
