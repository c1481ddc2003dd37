import { resolve } from 'node:path'
import { Cron } from 'croner'
import type { App } from '../app/app.ts'
import { jobOptions } from '../jobs/options.ts'
import { runAttempt } from '../jobs/attempt.ts'
import { NextRuns } from './next-runs.ts'
import type { ParsedSchedule } from './parse.ts'
import { runAt } from './timer.ts'

const NEVER = new AbortController().signal

/** One schedule's timer and whether a run is in progress. */
interface Timer {
  readonly schedule: ParsedSchedule
  running: boolean
  runs: number
  next(): Date | undefined
  stop(): void
}

/**
 * Schedules inside one process (no Redis): each tick calls the action
 * through the pipeline (trigger `schedule`, no principal). A tick that
 * comes while the previous run's handler is still going (even one past
 * its timeout that ignores its signal) is skipped, never overlapped. An
 * `every` schedule's next run is kept in `data_dir`, so restarts do not
 * push it back; any interval works, however long.
 *
 * @example
 * ```ts
 * const scheduler = new EmbeddedScheduler(app, schedules)
 * scheduler.stop()
 * ```
 */
export class EmbeddedScheduler {
  readonly #app: App
  readonly #timers: Timer[]
  readonly #stop = new AbortController()
  readonly #nextRuns: NextRuns

  constructor(app: App, schedules: readonly ParsedSchedule[]) {
    this.#app = app
    this.#nextRuns = new NextRuns(resolve(app.cwd, app.settings.data_dir, 'schedules', 'next-runs.json'))
    app.shutdownSignal.addEventListener('abort', () => this.stop(), { once: true })
    this.#timers = schedules.map((s) => (s.kind === 'every' ? this.#every(s) : this.#cron(s)))
  }

  /** Next run per action, for `/_sys/info`. */
  nextRuns(): Map<string, Date | undefined> {
    return new Map(this.#timers.map((t) => [t.schedule.action, t.next()]))
  }

  stop(): void {
    this.#stop.abort()
    for (const t of this.#timers) t.stop()
  }

  /** Runs at the persisted next run (at once if it is overdue; one interval from now if none, or if it is further). */
  #every(schedule: ParsedSchedule & { kind: 'every' }): Timer {
    const timer: Timer = { schedule, running: false, runs: 0, next: () => undefined, stop: () => undefined }
    let cancel = () => {}
    const arm = (at: number) => {
      timer.next = () => new Date(at)
      this.#persist(schedule.action, at)
      cancel = runAt(at, () => {
        arm(Math.max(Date.now(), at) + schedule.ms)
        void this.#tick(timer)
      })
    }
    const saved = this.#nextRuns.get(schedule.action)
    arm(Math.min(saved ?? Infinity, Date.now() + schedule.ms))
    timer.stop = () => cancel()
    return timer
  }

  #cron(schedule: ParsedSchedule & { kind: 'cron' }): Timer {
    const timer: Timer = { schedule, running: false, runs: 0, next: () => undefined, stop: () => undefined }
    const job = new Cron(schedule.cron, { mode: '5-or-6-parts', unref: true, ...(schedule.tz ? { timezone: schedule.tz } : {}) }, () => void this.#tick(timer))
    timer.next = () => job.nextRun() ?? undefined
    timer.stop = () => job.stop()
    return timer
  }

  #persist(action: string, at: number): void {
    try {
      this.#nextRuns.set(action, at)
    } catch (error) {
      this.#app.logger.warn({ err: error, action }, 'schedule: could not save the next run time; a restart counts the interval from then')
    }
  }

  async #tick(timer: Timer): Promise<void> {
    const { action: name, input } = timer.schedule
    if (timer.running || this.#stop.signal.aborted) {
      if (timer.running) this.#app.logger.debug({ action: name }, 'schedule tick skipped: the previous run is still running')
      return
    }
    const action = this.#app.registry.get(name)
    if (!action) return
    timer.running = true
    const id = `schedule-${name}-${++timer.runs}`
    const timeoutMs = jobOptions(action, this.#app.settings).timeoutMs
    let work: Promise<unknown> | undefined
    try {
      // Same run as a job's (timeout, stream collected, stops on shutdown); a failed tick is logged, the next tick is its retry.
      const outcome = await runAttempt(this.#app, { id, action, input, principal: null, trigger: 'schedule', cancel: NEVER, stop: this.#stop.signal, timeoutMs, progress: () => undefined, onWork: (w) => (work = w) })
      if (outcome.kind === 'failed') this.#app.logger.warn({ action: name, id, problem: outcome.problem }, `scheduled run failed: ${outcome.problem.title}`)
      await work?.catch(() => undefined) // a handler past its timeout still holds the schedule
    } finally {
      timer.running = false
    }
  }
}
