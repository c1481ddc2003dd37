import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
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

/** The longest this process trusts its own last check of a key instead of asking Redis again. */
const MAX_TRUST_MS = 10_000

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
 * Like the file store's clock, which moves at most once per hundredth of
 * the retention, an instance that has just made sure of a key (written or
 * refreshed it) does not ask Redis again for the next answers that refer to
 * it within a hundredth of the retention, and never more than 10 s: a hot
 * asset costs one round trip per window, not one per answer, and a key
 * removed behind its back (eviction, FLUSHDB) is written again within 10 s.
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
  readonly #trustMs: number
  /** When this process last made sure of an asset's key, and until when that keeps it (ms since the epoch). */
  readonly #checked = new LRUCache<string, { at: number; until: number }>({ max: 10_000 })
  #redis: Promise<KeepingRedis> | undefined

  constructor(url: string, prefix: string, retentionS: number, logger: Logger) {
    this.#url = url
    this.#prefix = prefix
    this.#retentionMs = retentionS * 1000
    this.#trustMs = retentionS === 0 ? MAX_TRUST_MS : Math.min(MAX_TRUST_MS, this.#retentionMs / 100)
    this.#errors = redisErrorLog(logger, url)
  }

  async put(asset: Asset, until?: number): Promise<void> {
    checkAssetSize(asset)
    const now = Date.now()
    const ttlMs = this.#ttlMs(until, now)
    const keptUntil = ttlMs === 0 ? Number.POSITIVE_INFINITY : now + ttlMs
    const checked = this.#checked.get(asset.id)
    // A plain answer may lag the clock by the trust window (as the file store's does); a stored result's floor never.
    if (checked && now - checked.at < this.#trustMs && (until === undefined || checked.until >= keptUntil)) return
    const redis = await this.#connection()
    const key = this.#key(asset.id)
    if ((await guard(redis.servalAssetKeep(key, ttlMs))) !== 1) {
      const bytes = Buffer.from(asset.bytes.buffer, asset.bytes.byteOffset, asset.bytes.byteLength)
      await guard(redis.servalAssetKeep(key, ttlMs, asset.contentType, bytes))
    }
    this.#checked.set(asset.id, { at: now, until: keptUntil })
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
  #ttlMs(until: number | undefined, now: number): number {
    if (this.#retentionMs === 0) return 0
    return Math.max(this.#retentionMs, Math.ceil((until ?? 0) - now))
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
