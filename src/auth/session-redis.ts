import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { ServalError } from '../errors/index.ts'
import { connectRedis, redisErrorLog } from '../jobs/redis/connection.ts'
import type { SessionRecord, SessionStore } from './session-store.ts'

/**
 * Sessions in Redis (`redis_url`), so every instance behind a load
 * balancer knows every login: keys `<redis_prefix>:session:<sha256 of id>`
 * expiring with the session (`PX`). One `producer` connection, opened on
 * first use; while Redis is unreachable a request with a session cookie is
 * a 503, never a silent logout.
 *
 * @example
 * ```ts
 * const store = new RedisSessionStore('redis://127.0.0.1:6379', 'serval', logger)
 * ```
 */
export class RedisSessionStore implements SessionStore {
  readonly #url: string
  readonly #prefix: string
  readonly #errors: ReturnType<typeof redisErrorLog>
  readonly #now: () => number
  #redis: Promise<Redis> | undefined

  constructor(url: string, prefix: string, log: Logger, now: () => number = Date.now) {
    this.#url = url
    this.#prefix = prefix
    this.#errors = redisErrorLog(log, url)
    this.#now = now
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    const raw = await this.#call((redis) => redis.get(this.#key(key)))
    const record = raw === null ? undefined : (JSON.parse(raw) as SessionRecord)
    return record && record.expiresAt > this.#now() ? record : undefined
  }

  async put(key: string, record: SessionRecord): Promise<void> {
    const ttlMs = Math.max(1, record.expiresAt - this.#now())
    await this.#call((redis) => redis.set(this.#key(key), JSON.stringify(record), 'PX', ttlMs))
  }

  async delete(key: string): Promise<void> {
    await this.#call((redis) => redis.del(this.#key(key)))
  }

  async close(): Promise<void> {
    const redis = await this.#redis?.catch(() => undefined)
    redis?.disconnect()
  }

  #key(key: string): string {
    return `${this.#prefix}:session:${key}`
  }

  async #call<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    this.#redis ??= connectRedis({ url: this.#url, role: 'producer', prefix: this.#prefix, errors: this.#errors })
    try {
      return await command(await this.#redis)
    } catch (error) {
      if (error instanceof ServalError) this.#redis = undefined // the connect failed: try again next time
      throw new ServalError('unavailable', { detail: 'The session store (Redis) is unavailable; try again', headers: { 'retry-after': '1' }, cause: error })
    }
  }
}
