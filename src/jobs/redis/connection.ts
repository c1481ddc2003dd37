import type { Redis, RedisOptions } from 'ioredis'
import type { Logger } from 'pino'
import { ServalError } from '../../errors/index.ts'
import { redact } from './redact.ts'

/**
 * What a Redis connection is for; each role fails differently on purpose.
 *
 * - `producer` (the API side: submit, read, list, cancel) fails fast. No
 *   offline queue, a command timeout, no resend after a reconnect: while
 *   Redis is unreachable a call is a 503 at once, and a submit the caller
 *   was told failed is never sent later.
 * - `worker` (BullMQ workers, their blocking fetch) waits out an outage:
 *   BullMQ requires `maxRetriesPerRequest: null` there, and a worker has no
 *   caller waiting on it.
 * - `subscriber` (the cancel channel) also waits and resubscribes by itself.
 *
 * @example
 * ```ts
 * const role: RedisRole = 'producer'
 * ```
 */
export type RedisRole = 'producer' | 'worker' | 'subscriber'

/** A producer call gets no answer within this: it fails (503). */
const PRODUCER_TIMEOUT_MS = 1500
/** Reconnect backoff: 100 ms, 200 ms, … up to this. */
const MAX_BACKOFF_MS = 2000
/** One reconnect warning per this window, with the count of the errors it stands for. */
const WARN_WINDOW_MS = 10_000

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  producer: { maxRetriesPerRequest: 0, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, commandTimeout: PRODUCER_TIMEOUT_MS, connectTimeout: PRODUCER_TIMEOUT_MS },
  worker: { maxRetriesPerRequest: null, enableOfflineQueue: true },
  subscriber: { maxRetriesPerRequest: null, enableOfflineQueue: true, autoResubscribe: true },
}

/**
 * Where a connection reports its errors (shared by every connection and BullMQ object of one backend).
 *
 * @example
 * ```ts
 * const log: RedisErrorLog = redisErrorLog(logger, url)
 * ```
 */
export type RedisErrorLog = (error: unknown, source: string) => void

/**
 * Reports Redis errors at most once per window: the first at once, the
 * rest counted into the next line. ioredis and BullMQ report every
 * reconnect attempt of every connection; a log needs one line.
 *
 * @example
 * ```ts
 * const log = redisErrorLog(logger, url)
 * queue.on('error', (error) => log(error, 'queue'))
 * ```
 */
export function redisErrorLog(logger: Logger, url: string, windowMs = WARN_WINDOW_MS): RedisErrorLog {
  let last = -Infinity
  let suppressed = 0
  return (error, source) => {
    if (Date.now() - last < windowMs) return void suppressed++
    last = Date.now()
    logger.warn({ err: error, source, redis: redact(url), suppressed }, suppressed ? `Redis connection error (and ${suppressed} more since the last report)` : 'Redis connection error')
    suppressed = 0
  }
}

/**
 * What opening one connection takes.
 *
 * @example
 * ```ts
 * const options: ConnectOptions = { url, role: 'worker', prefix: 'serval', errors: log }
 * ```
 */
export interface ConnectOptions {
  readonly url: string
  readonly role: RedisRole
  readonly errors: RedisErrorLog
  /** Shown by `CLIENT LIST` (`serval:<role>:<prefix>`), so an operator can tell the connections apart. */
  readonly prefix: string
  /** How long the first connect may take before it fails (producer: 3 s, others: 5 s). */
  readonly timeoutMs?: number
}

/**
 * Connects one Redis connection for `role` (see {@link RedisRole}),
 * failing within `timeoutMs` with a message naming the password-less URL
 * instead of retrying forever at startup.
 *
 * @example
 * ```ts
 * const redis = await connectRedis({ url: 'redis://127.0.0.1:6379', role: 'producer', prefix: 'serval', errors: redisErrorLog(logger, url) })
 * ```
 */
export async function connectRedis(options: ConnectOptions): Promise<Redis> {
  // A producer is opened on the first request that needs it: that request should not wait long either.
  const { url, role, errors, timeoutMs = role === 'producer' ? 2 * PRODUCER_TIMEOUT_MS : 5000 } = options
  // Loaded on the first connection: an app without redis_url never pays for ioredis at startup.
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, {
    ...ROLE_OPTIONS[role],
    lazyConnect: true,
    enableReadyCheck: true,
    connectionName: `serval:${role}:${options.prefix.replace(/[^\x21-\x7e]/g, '_')}`,
    retryStrategy: (times) => Math.min(times * 100, MAX_BACKOFF_MS),
  })
  redis.on('error', (error: Error) => errors(error, role))
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([redis.connect(), timeout])
    return redis
  } catch (error) {
    redis.disconnect()
    const fix = 'start Redis there, fix redis_url (--redis-url, SERVAL_REDIS_URL), or unset it to keep jobs in data_dir; `serval doctor` checks it'
    throw new ServalError('unavailable', { detail: `Cannot reach Redis at ${redact(url)} (redis_url): ${(error as Error).message}; ${fix}`, cause: error })
  } finally {
    clearTimeout(timer)
  }
}

/**
 * An error of a producer call as the caller should see it: Redis being
 * unreachable (offline, timed out, connection closed) is a 503; any
 * other error (a Redis reply error is a bug) stays what it is.
 *
 * @example
 * ```ts
 * await queue.add(name, data).catch((error) => { throw unavailable(error) })
 * ```
 */
export function unavailable(error: unknown, what = 'The job store (Redis)'): unknown {
  if (!isConnectionError(error)) return error
  return new ServalError('unavailable', { detail: `${what} is unavailable; try again`, headers: { 'retry-after': '1' }, cause: error })
}

/** What ioredis throws when a command could not reach Redis or got no answer. */
const CONNECTION_ERRORS = /enableOfflineQueue|Command timed out|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/

function isConnectionError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'MaxRetriesPerRequestError' || CONNECTION_ERRORS.test(error.message))
}
