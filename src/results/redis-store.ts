import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { connectRedis, redisErrorLog, unavailable, type RedisErrorLog } from '../jobs/redis/connection.ts'
import { decodeResult, encodeResult, isResultId, newResultId, type ResultStore, type StoredResult } from './store.ts'

/**
 * Stored results in Redis (`<redis_prefix>:results:<id>`, expired by Redis
 * at `expiresAt`), so a result stored through one instance is read through
 * any other. The producer connection fails fast: Redis down is a 503, never
 * a hang and never a result silently lost.
 *
 * @example
 * ```ts
 * const store = new RedisResultStore('redis://127.0.0.1:6379', 'serval', logger)
 * const id = await store.save(result)
 * ```
 */
export class RedisResultStore implements ResultStore {
  readonly #url: string
  readonly #prefix: string
  readonly #errors: RedisErrorLog
  #redis: Promise<Redis> | undefined

  constructor(url: string, prefix: string, logger: Logger) {
    this.#url = url
    this.#prefix = prefix
    this.#errors = redisErrorLog(logger, url)
  }

  async save(result: StoredResult): Promise<string> {
    const id = newResultId()
    const ttlMs = Math.max(1, result.expiresAt - Date.now())
    await guard((await this.#connection()).set(this.#key(id), encodeResult(result), 'PX', ttlMs))
    return id
  }

  async get(id: string): Promise<StoredResult | undefined> {
    if (!isResultId(id)) return undefined
    const bytes = await guard((await this.#connection()).getBuffer(this.#key(id)))
    return bytes === null ? undefined : decodeResult(bytes)
  }

  async close(): Promise<void> {
    const redis = await this.#redis?.catch(() => undefined)
    await redis?.quit().catch(() => redis.disconnect())
  }

  #key(id: string): string {
    return `${this.#prefix}:results:${id}`
  }

  async #connection(): Promise<Redis> {
    const opening = (this.#redis ??= connectRedis({ url: this.#url, role: 'producer', prefix: this.#prefix, errors: this.#errors }))
    // A failed connect is tried again by the next call.
    opening.catch(() => this.#redis === opening && (this.#redis = undefined))
    return guard(opening)
  }
}

function guard<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    throw unavailable(error, 'The result store (Redis)')
  })
}
