import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { connectRedis, redisErrorLog, unavailable, type RedisErrorLog } from '../jobs/redis/connection.ts'
import type { Asset } from './asset.ts'
import { checkAssetSize, isAssetId, type AssetStore } from './store.ts'

/**
 * Keeps an asset for at least ARGV[1] ms from now (0: forever) and never
 * shortens what it already has: a stored result may have set it further
 * ahead. With ARGV[2] (type) and ARGV[3] (bytes) a missing asset is
 * written; without them the script answers 0 for a missing one, so an
 * answer that refers to a known asset sends no bytes. One script, so two
 * instances refreshing and writing at once cannot cut a TTL short.
 */
const KEEP = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then
  if #ARGV < 3 then return 0 end
  redis.call('HSET', KEYS[1], 'type', ARGV[2], 'bytes', ARGV[3])
end
local want = tonumber(ARGV[1])
if want == 0 then
  redis.call('PERSIST', KEYS[1])
elseif ttl ~= -1 and ttl < want then
  redis.call('PEXPIRE', KEYS[1], want)
end
return 1`

type KeepingRedis = Redis & { servalAssetKeep(key: string, ttlMs: number, ...write: (string | Buffer)[]): Promise<number> }

/**
 * The shared asset store: one Redis hash `<redis_prefix>:assets:<id>`
 * (`type`, `bytes`) per asset, with Redis expiring it. The same
 * content-addressed ids and retention as {@link FileAssetStore}: a key
 * lives `retentionS` after the last answer that referred to it, and never
 * less than a stored result that refers to it. The producer connection
 * fails fast: Redis down is a 503 at once, never a hang, and never an
 * answer whose href would not resolve.
 *
 * @example
 * ```ts
 * const store = new RedisAssetStore('redis://127.0.0.1:6379', 'serval', 604_800, logger)
 * await store.put(asset(bytes, 'image/png'))
 * ```
 */
export class RedisAssetStore implements AssetStore {
  readonly #url: string
  readonly #prefix: string
  readonly #retentionMs: number
  readonly #errors: RedisErrorLog
  #redis: Promise<KeepingRedis> | undefined

  constructor(url: string, prefix: string, retentionS: number, logger: Logger) {
    this.#url = url
    this.#prefix = prefix
    this.#retentionMs = retentionS * 1000
    this.#errors = redisErrorLog(logger, url)
  }

  async put(asset: Asset, until?: number): Promise<void> {
    checkAssetSize(asset)
    const redis = await this.#connection()
    const [key, ttlMs] = [this.#key(asset.id), this.#ttlMs(until)]
    if ((await guard(redis.servalAssetKeep(key, ttlMs))) === 1) return
    const bytes = Buffer.from(asset.bytes.buffer, asset.bytes.byteOffset, asset.bytes.byteLength)
    await guard(redis.servalAssetKeep(key, ttlMs, asset.contentType, bytes))
  }

  async get(id: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
    if (!isAssetId(id)) return undefined
    const [type, bytes] = await guard((await this.#connection()).hmgetBuffer(this.#key(id), 'type', 'bytes'))
    return type && bytes ? { bytes, contentType: type.toString('utf8') } : undefined
  }

  async close(): Promise<void> {
    const redis = await this.#redis?.catch(() => undefined)
    await redis?.quit().catch(() => redis.disconnect())
  }

  /** How long the key must live from now: the retention, or longer for a stored result (0: forever). */
  #ttlMs(until: number | undefined): number {
    if (this.#retentionMs === 0) return 0
    return Math.max(this.#retentionMs, Math.ceil((until ?? 0) - Date.now()))
  }

  #key(id: string): string {
    return `${this.#prefix}:assets:${id}`
  }

  async #connection(): Promise<KeepingRedis> {
    const opening = (this.#redis ??= this.#open())
    // A failed connect is tried again by the next call.
    opening.catch(() => this.#redis === opening && (this.#redis = undefined))
    return guard(opening)
  }

  async #open(): Promise<KeepingRedis> {
    const redis = await connectRedis({ url: this.#url, role: 'producer', prefix: this.#prefix, errors: this.#errors })
    redis.defineCommand('servalAssetKeep', { numberOfKeys: 1, lua: KEEP })
    return redis as KeepingRedis
  }
}

function guard<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    throw unavailable(error, 'The asset store (Redis)')
  })
}
