import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { RedisErrorLog } from './connection.ts'
import { scanKeys } from './keys.ts'

/** Entries checked per owner index and sweep (its oldest, the likeliest to be gone). */
const INDEX_BATCH = 200
/** An entry younger than this is never trimmed: a submit writes it just before its job. */
const INDEX_GRACE_MS = 60_000

/**
 * What the sweeper works on.
 *
 * @example
 * ```ts
 * startSweeper({ redis, prefix, queues, retentionS: () => 86_400, errors, everyMs: 60_000 })
 * ```
 */
export interface SweepOptions {
  readonly redis: Redis
  readonly prefix: string
  readonly queues: ReadonlyMap<string, Queue>
  /** Seconds a finished job of the queue is kept. */
  readonly retentionS: (queue: string) => number
  readonly errors: RedisErrorLog
  /** How often (clamped to 1 s – 60 s). */
  readonly everyMs: number
}

/**
 * Removes finished jobs past their retention from idle queues (BullMQ
 * ages them out only when another job finishes), then drops owner-index
 * entries whose job is gone, so neither grows without bound.
 *
 * @example
 * ```ts
 * const timer = startSweeper({ redis, prefix, queues, retentionS: () => 86_400, errors, everyMs: 60_000 })
 * clearInterval(timer)
 * ```
 */
export function startSweeper(options: SweepOptions): NodeJS.Timeout {
  const sweep = () => {
    for (const [name, queue] of options.queues) {
      for (const type of ['completed', 'failed'] as const) queue.clean(options.retentionS(name) * 1000, 1000, type).catch((error: unknown) => options.errors(error, 'job sweep'))
    }
    trimOwnerIndexes(options.redis, options.prefix).catch((error: unknown) => options.errors(error, 'owner index sweep'))
  }
  const timer = setInterval(sweep, Math.min(60_000, Math.max(1000, options.everyMs)))
  timer.unref()
  return timer
}

async function trimOwnerIndexes(redis: Redis, prefix: string): Promise<void> {
  for (const key of await scanKeys(redis, prefix, 'jobs:owner:*', 'zset')) {
    const members = await redis.zrangebyscore(key, '-inf', `(${Date.now() - INDEX_GRACE_MS}`, 'LIMIT', 0, INDEX_BATCH)
    const pipeline = redis.pipeline()
    for (const member of members) pipeline.exists(`${prefix}:${member}`)
    const exists = (await pipeline.exec()) ?? []
    const gone = members.filter((_, i) => !exists[i]?.[0] && exists[i]?.[1] === 0)
    if (gone.length) await redis.zrem(key, ...gone)
  }
}
