import { Cron } from 'croner'
import type { App } from '../app/app.ts'
import { jobOptions } from '../jobs/options.ts'
import { runAttempt } from '../jobs/attempt.ts'
import type { ParsedSchedule } from './parse.ts'

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
 * comes while the previous run is still going is skipped, never overlapped.
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

  constructor(app: App, schedules: readonly ParsedSchedule[]) {
    this.#app = app
    app.shutdownSignal.addEventListener('abort', () => this.stop(), { once: true })
    this.#timers = schedules.map((s) => this.#timer(s))
  }

  /** Next run per action, for `/_sys/info`. */
  nextRuns(): Map<string, Date | undefined> {
    return new Map(this.#timers.map((t) => [t.schedule.action, t.next()]))
  }

  stop(): void {
    this.#stop.abort()
    for (const t of this.#timers) t.stop()
  }

  #timer(schedule: ParsedSchedule): Timer {
    const timer: Timer = { schedule, running: false, runs: 0, next: () => undefined, stop: () => undefined }
    const tick = () => void this.#tick(timer)
    if (schedule.kind === 'every') {
      const started = Date.now()
      const interval = setInterval(tick, schedule.ms)
      interval.unref()
      timer.next = () => new Date(Date.now() + schedule.ms - ((Date.now() - started) % schedule.ms))
      timer.stop = () => clearInterval(interval)
    } else {
      const job = new Cron(schedule.cron, { mode: '5-or-6-parts', unref: true, ...(schedule.tz ? { timezone: schedule.tz } : {}) }, tick)
      timer.next = () => job.nextRun() ?? undefined
      timer.stop = () => job.stop()
    }
    return timer
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
    try {
      // Same run as a job's (timeout, stream collected, stops on shutdown); a failed tick is logged, the next tick is its retry.
      const outcome = await runAttempt(this.#app, { id, action, input, principal: null, trigger: 'schedule', cancel: NEVER, stop: this.#stop.signal, timeoutMs, progress: () => undefined })
      if (outcome.kind === 'failed') this.#app.logger.warn({ action: name, id, problem: outcome.problem }, `scheduled run failed: ${outcome.problem.title}`)
    } finally {
      timer.running = false
    }
  }
}
