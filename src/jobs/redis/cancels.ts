import type { Redis } from 'ioredis'

/** The field of a BullMQ job's hash that holds Serval's cancel; it goes when the job does. */
const CANCEL_FIELD = 'servalCancelledAt'

// Only on a job's hash (it has a name): a cancel racing the job's removal must not leave a stray hash.
const MARK = `if redis.call('HEXISTS', KEYS[1], 'name') == 0 then return 0 end
redis.call('HSET', KEYS[1], '${CANCEL_FIELD}', ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`

/**
 * Stores a cancel on the job and announces it, in one step. The pub/sub
 * message stops a running handler at once; the stored cancel is what a
 * worker that missed the message (its subscriber was cut) finds on its
 * next check, so a cancel is never lost.
 *
 * @example
 * ```ts
 * await markCancelled(redis, queue.toKey(id), cancelChannel(prefix), id)
 * ```
 */
export async function markCancelled(redis: Redis, jobKey: string, channel: string, id: string): Promise<number> {
  const at = Date.now()
  await redis.eval(MARK, 1, jobKey, at, channel, id)
  return at
}

/**
 * Which of these job hashes carry a stored cancel (one round trip).
 *
 * @example
 * ```ts
 * const [cancelled] = await storedCancels(redis, [`${job.queueQualifiedName}:${job.id}`])
 * ```
 */
export async function storedCancels(redis: Redis, jobKeys: readonly string[]): Promise<boolean[]> {
  if (jobKeys.length === 0) return []
  const pipeline = redis.pipeline()
  for (const key of jobKeys) pipeline.hexists(key, CANCEL_FIELD)
  const results = (await pipeline.exec()) ?? []
  return jobKeys.map((_, i) => !results[i]?.[0] && results[i]?.[1] === 1)
}
