import type { App } from '../app/app.ts'
import type { Extension } from '../app/extension.ts'
import { jobsOf } from '../jobs/service.ts'
import { EmbeddedScheduler } from './embedded.ts'
import { describeSchedule, parseSchedule, type ParsedSchedule } from './parse.ts'
import { toScheduleSpecs } from './redis.ts'

interface State {
  schedules: ParsedSchedule[]
  embedded?: EmbeddedScheduler
  mode?: 'embedded' | 'redis'
}

const states = new WeakMap<App, State>()

/**
 * The schedules capability: every `schedule` is checked at startup (a bad
 * one fails naming the action), runs while the HTTP server (or
 * `serval worker`) does, and is listed in `/_sys/info`.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions, extensions: [jobsExtension(), schedulesExtension()] })
 * ```
 */
export function schedulesExtension(): Extension {
  return {
    name: 'schedules',
    async start(app) {
      const schedules: ParsedSchedule[] = []
      for (const action of app.registry.list()) {
        const parsed = await parseSchedule(action)
        if (parsed) schedules.push(parsed)
      }
      states.set(app, { schedules })
    },
    serve: (app) => startSchedules(app),
    info: (app) => ({ schedules: scheduleInfo(app) }),
    stop: (app) => states.get(app)?.embedded?.stop(),
  }
}

/**
 * Starts the app's schedules in this process: in-process timers when
 * embedded; with `redis_url`, BullMQ job schedulers whose ticks this
 * process's workers (if any) share with every other instance. A process
 * with `workers=0` runs no ticks.
 *
 * @example
 * ```ts
 * await startSchedules(app)
 * ```
 */
export async function startSchedules(app: App): Promise<void> {
  const state = states.get(app)
  if (!state || state.mode) return
  // With Redis even an app without schedules syncs: that removes the schedulers its actions no longer have.
  if (app.settings.redis_url) {
    state.mode = 'redis'
    await syncBackend(app, state.schedules).catch((error: unknown) => {
      // Without schedules of its own, an instance still starts (Redis may come later); with some, it must not.
      if (state.schedules.length) throw error
      app.logger.warn({ err: error }, 'could not remove stale job schedulers')
    })
  } else if (app.settings.workers > 0 && state.schedules.length > 0) {
    state.embedded = new EmbeddedScheduler(app, state.schedules)
    state.mode = 'embedded'
  }
  for (const s of state.schedules) app.logger.info({ schedule: describeSchedule(s), mode: state.mode ?? 'off' }, `schedule: ${s.action}`)
}

async function syncBackend(app: App, schedules: readonly ParsedSchedule[]): Promise<void> {
  const backend = await jobsOf(app).backend()
  if (backend.schedule) await backend.schedule(toScheduleSpecs(schedules))
}

function scheduleInfo(app: App): Record<string, unknown>[] {
  const state = states.get(app)
  if (!state) return []
  const next = state.embedded?.nextRuns()
  return state.schedules.map((s) => {
    const nextRun = next?.get(s.action)
    return { ...describeSchedule(s), mode: state.mode ?? 'off', ...(nextRun ? { nextRun: nextRun.toISOString() } : {}) }
  })
}
