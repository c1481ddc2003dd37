import type { Redis } from 'ioredis'

/** Serval's queue names: the shared one and `jobs-{action}` (see queues.ts). */
const QUEUE_NAME = /^jobs(?:-[A-Za-z_][A-Za-z0-9_]*)?$/

/**
 * True for a BullMQ queue name Serval could have made.
 *
 * @example
 * ```ts
 * isQueueName('jobs-resize') // true
 * ```
 */
export function isQueueName(name: string): boolean {
  return QUEUE_NAME.test(name)
}

/** `prefix` for a SCAN MATCH pattern: its glob characters taken literally. */
function literal(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)
}

/**
 * Every key under `prefix` that matches `pattern` (a glob after `prefix:`),
 * by SCAN: the keyspace may be large and shared, so never KEYS.
 *
 * @example
 * ```ts
 * const repeats = await scanKeys(redis, 'serval', '*:repeat', 'zset')
 * ```
 */
export async function scanKeys(redis: Redis, prefix: string, pattern: string, type: string): Promise<string[]> {
  const found = new Set<string>()
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${literal(prefix)}:${pattern}`, 'COUNT', 1000, 'TYPE', type)
    cursor = next
    for (const key of keys) found.add(key)
  } while (cursor !== '0')
  return [...found]
}

/**
 * The Serval queues that exist in Redis under `prefix` with job schedulers
 * (including queues no action of this app uses any more).
 *
 * @example
 * ```ts
 * await queuesWithSchedulers(redis, 'serval') // ['jobs', 'jobs-report']
 * ```
 */
export async function queuesWithSchedulers(redis: Redis, prefix: string): Promise<string[]> {
  const keys = await scanKeys(redis, prefix, '*:repeat', 'zset')
  return keys.map((k) => k.slice(prefix.length + 1, -':repeat'.length)).filter(isQueueName)
}
