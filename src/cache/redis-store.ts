import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { connectRedis, redisErrorLog } from '../jobs/redis/connection.ts'
import { storageName } from './key.ts'
import { entryText, isEntry, OversizeWarnings, type CacheEntry, type CacheStore } from './store.ts'

/** After a failed connect, calls are misses for this long before the next try. */
const RETRY_AFTER_MS = 5000

/**
 * The shared store: one `producer` connection (fails fast, no offline
 * queue), keys `<redis_prefix>:cache:<key>` with Redis expiring them. An
 * unreachable Redis makes every call a miss, never a hang or a 500. An
 * entry over `maxEntryBytes` is not sent to Redis (answered, not kept).
 *
 * @example
 * ```ts
 * const store = new RedisCacheStore('redis://127.0.0.1:6379', 'serval', app.functionsVersion, logger, 1 << 20)
 * ```
 */
export class RedisCacheStore implements CacheStore {
  readonly #url: string
  readonly #prefix: string
  readonly #version: string
  readonly #log: Logger
  readonly #errors: ReturnType<typeof redisErrorLog>
  #redis: Promise<Redis> | undefined
  #downUntil = 0
  readonly #maxEntryBytes: number
  readonly #oversize: OversizeWarnings

  constructor(url: string, prefix: string, version: string, log: Logger, maxEntryBytes: number) {
    this.#maxEntryBytes = maxEntryBytes
    this.#oversize = new OversizeWarnings(log, maxEntryBytes)
    this.#url = url
    this.#prefix = prefix
    this.#version = version
    this.#log = log
    this.#errors = redisErrorLog(log, url)
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const redis = await this.#connection()
    const raw = redis === undefined ? null : await redis.get(this.#key(key))
    if (raw === null) return undefined
    const parsed: unknown = JSON.parse(raw)
    return isEntry(parsed) && parsed.expiresAt > Date.now() ? parsed : undefined
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    const kept = entryText(entry, this.#maxEntryBytes)
    if (kept === undefined) return this.#oversize.warn(key)
    const redis = await this.#connection()
    const ttlMs = entry.expiresAt - Date.now()
    if (redis !== undefined && ttlMs > 0) await redis.set(this.#key(key), kept.text, 'PX', ttlMs)
  }

  async close(): Promise<void> {
    const redis = await this.#redis?.catch(() => undefined)
    redis?.disconnect()
  }

  #key(key: string): string {
    return `${this.#prefix}:cache:${storageName(this.#version, key)}`
  }

  /** The connection, opened on first use; undefined while Redis is known to be down. */
  async #connection(): Promise<Redis | undefined> {
    if (Date.now() < this.#downUntil) return undefined
    this.#redis ??= connectRedis({ url: this.#url, role: 'producer', prefix: this.#prefix, errors: this.#errors })
    try {
      return await this.#redis
    } catch (err) {
      this.#log.warn({ err }, 'The result cache cannot reach Redis: calls run uncached')
      this.#redis = undefined
      this.#downUntil = Date.now() + RETRY_AFTER_MS
      return undefined
    }
  }
}
