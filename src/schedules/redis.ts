import type { App } from '../app/app.ts'
import { SYSTEM_OWNER } from '../jobs/owner.ts'
import type { RedisBackend } from '../jobs/redis/backend.ts'
import type { ParsedSchedule } from './parse.ts'

/** Job scheduler ids Serval owns start with this. */
const ID_PREFIX = 'schedule-'

/**
 * Schedules on BullMQ job schedulers: every instance upserts the same
 * schedulers (idempotent), BullMQ makes one job per tick, and whichever
 * worker takes it runs it — so each tick runs once however many
 * instances share the Redis. Schedulers of actions that lost their
 * `schedule` are removed.
 *
 * @example
 * ```ts
 * await upsertSchedules(app, backend, schedules)
 * ```
 */
export async function upsertSchedules(app: App, backend: RedisBackend, schedules: readonly ParsedSchedule[]): Promise<void> {
  const wanted = new Set<string>()
  for (const s of schedules) {
    const id = `${ID_PREFIX}${s.action}`
    wanted.add(id)
    const { attempts: _a, backoff: _b, ...opts } = backend.jobOpts(s.action)
    await backend.queueFor(s.action).upsertJobScheduler(id, s.kind === 'every' ? { every: s.ms } : { pattern: s.cron, ...(s.tz ? { tz: s.tz } : {}) }, {
      name: s.action,
      // Ticks belong to the system: no HTTP caller sees them (they still run with no principal).
      data: { input: s.input, principal: SYSTEM_OWNER, trigger: 'schedule' },
      opts,
    })
  }
  await removeStale(app, backend, wanted)
}

async function removeStale(app: App, backend: RedisBackend, wanted: Set<string>): Promise<void> {
  const queues = new Set(app.registry.list().map((a) => backend.queueFor(a.name)))
  for (const queue of queues) {
    for (const scheduler of await queue.getJobSchedulers()) {
      const id = scheduler.key ?? scheduler.id
      if (id && id.startsWith(ID_PREFIX) && !wanted.has(id)) {
        await queue.removeJobScheduler(id)
        app.logger.info({ scheduler: id }, 'removed the job scheduler of an action without a schedule')
      }
    }
  }
}
