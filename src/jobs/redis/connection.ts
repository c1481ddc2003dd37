import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { ServalError } from '../../errors/index.ts'
import { redact } from './redact.ts'

/**
 * Connects to Redis, failing within `timeoutMs` with a message naming the
 * (password-less) URL instead of retrying forever. BullMQ needs
 * `maxRetriesPerRequest: null` on connections its workers use.
 *
 * @example
 * ```ts
 * const redis = await connectRedis('redis://127.0.0.1:6379', logger)
 * ```
 */
export async function connectRedis(url: string, logger: Logger, timeoutMs = 5000): Promise<Redis> {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, enableReadyCheck: true })
  let warned = 0
  redis.on('error', (error: Error) => {
    // ioredis reports every reconnect attempt; one line every 10 s is enough.
    if (Date.now() - warned < 10_000) return
    warned = Date.now()
    logger.warn({ err: error, redis: redact(url) }, 'Redis connection error')
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([redis.connect(), timeout])
    return redis
  } catch (error) {
    redis.disconnect()
    throw new ServalError('unavailable', { detail: `Cannot reach Redis at ${redact(url)}: ${(error as Error).message}`, cause: error })
  } finally {
    clearTimeout(timer)
  }
}
