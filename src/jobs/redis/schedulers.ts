import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { ScheduleSpec } from '../types.ts'
import { SCHEDULER_PREFIX } from './ids.ts'
import { queuesWithSchedulers } from './keys.ts'

/**
 * What syncing schedulers needs from the backend.
 *
 * @example
 * ```ts
 * await syncSchedulers({ redis, prefix, logger, queueFor, queueNamed, tickOpts }, specs)
 * ```
 */
export interface SchedulerHost {
  readonly redis: Redis
  readonly prefix: string
  readonly logger: Logger
  /** The queue of an action's jobs and ticks. */
  queueFor(action: string): Queue
  /** A queue by name (also one no action uses any more). */
  queueNamed(name: string): Queue
  /** What each tick of the action is added with. */
  tickOpts(action: string): Record<string, unknown>
}

/**
 * Upserts one BullMQ job scheduler per schedule (`schedule-{action}` on
 * the action's queue; idempotent, so every instance may), then removes
 * every other Serval scheduler under the prefix: of an action that lost
 * its schedule, or that moved to another queue. Each tick then runs once.
 *
 * @example
 * ```ts
 * await syncSchedulers(host, [{ action: 'tick', repeat: { every: 1000 }, input: {}, principal: null }])
 * ```
 */
export async function syncSchedulers(host: SchedulerHost, schedules: readonly ScheduleSpec[]): Promise<void> {
  const wanted = new Set<string>()
  for (const s of schedules) {
    const queue = host.queueFor(s.action)
    const id = `${SCHEDULER_PREFIX}${s.action}`
    wanted.add(`${queue.name}/${id}`)
    await queue.upsertJobScheduler(id, s.repeat, { name: s.action, data: { input: s.input, principal: s.principal, trigger: 'schedule' }, opts: host.tickOpts(s.action) })
  }
  for (const name of await queuesWithSchedulers(host.redis, host.prefix)) await removeStale(host, host.queueNamed(name), wanted)
}

async function removeStale(host: SchedulerHost, queue: Queue, wanted: ReadonlySet<string>): Promise<void> {
  for (const scheduler of await queue.getJobSchedulers()) {
    const id = scheduler.key ?? scheduler.id
    if (!id || !id.startsWith(SCHEDULER_PREFIX) || wanted.has(`${queue.name}/${id}`)) continue
    await queue.removeJobScheduler(id)
    host.logger.info({ scheduler: id, queue: queue.name }, 'removed a job scheduler no schedule of this app wants (its action lost its schedule or moved queue)')
  }
}
