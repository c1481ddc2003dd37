import { Redis } from 'ioredis'
import { isCI } from './ci.ts'

export const REDIS_URL = process.env.SERVAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * Whether Redis answers. Under CI (any truthy CI: true, 1, yes) a missing Redis fails the suite;
 * elsewhere the Redis tests are skipped with a loud warning.
 */
export async function redisAvailable(suite: string): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    await redis.ping()
    return true
  } catch (error) {
    if (isCI()) throw new Error(`${suite}: Redis is required under CI (CI=${process.env.CI}) but ${REDIS_URL} does not answer: ${(error as Error).message}`)
    console.warn(`\n!!! SKIPPING ${suite}: no Redis at ${REDIS_URL} (${(error as Error).message}). Start one, or set SERVAL_TEST_REDIS_URL. !!!\n`)
    return false
  } finally {
    redis.disconnect()
  }
}

/** A key prefix no other test run or file uses. */
export function uniquePrefix(name: string): string {
  return `serval-test-${name}-${process.pid}-${Date.now().toString(36)}`
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
      cursor = next
      if (keys.length) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

/** Polls `fn` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await fn()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}
