import type { Logger } from 'pino'

/**
 * One cached result: when it was stored, when it goes stale (ms since the
 * epoch), and the checked output (absent for an action that returned nothing).
 *
 * @example
 * ```ts
 * const entry: CacheEntry = { storedAt: Date.now(), expiresAt: Date.now() + 30_000, value: { result: 3 } }
 * ```
 */
export interface CacheEntry {
  readonly storedAt: number
  readonly expiresAt: number
  readonly value?: unknown
}

/**
 * Where entries live: memory + `data_dir` (embedded) or Redis. A store that
 * cannot answer throws or resolves `undefined`; the cache step turns both
 * into a miss.
 *
 * @example
 * ```ts
 * await store.set(key, entry)
 * await store.get(key) // entry, until it expires
 * ```
 */
export interface CacheStore {
  get(key: string): Promise<CacheEntry | undefined>
  /** The entry when it is fresh (at `now`, ms) and in memory, without waiting: a store with no memory has none. */
  peek?(key: string, now?: number): CacheEntry | undefined
  set(key: string, entry: CacheEntry): Promise<void>
  close(): Promise<void>
}

/** True when `value` parses as an entry (a file or Redis value someone else may have written). */
export function isEntry(value: unknown): value is CacheEntry {
  const e = value as CacheEntry | null
  return typeof e === 'object' && e !== null && typeof e.storedAt === 'number' && typeof e.expiresAt === 'number'
}

/**
 * An entry as both stores keep it (JSON) with its size in bytes, or
 * `undefined` when it is over `maxBytes` (`cache_max_entry_bytes`): such
 * a result is answered but never kept, so one huge answer cannot push
 * every other entry out, nor sit whole in Redis.
 *
 * @example
 * ```ts
 * const kept = entryText(entry, settings.cache_max_entry_bytes)
 * if (kept) await redis.set(name, kept.text)
 * ```
 */
export function entryText(entry: CacheEntry, maxBytes: number): { text: string; bytes: number } | undefined {
  const text = JSON.stringify(entry)
  // A JSON text holds at least one byte per character: a text that long is over already, without counting.
  if (text.length > maxBytes) return undefined
  const bytes = Buffer.byteLength(text)
  return bytes > maxBytes ? undefined : { text, bytes }
}

/**
 * Says once per action that its results are too large to cache (a log
 * line per call would flood the log of a busy action).
 *
 * @example
 * ```ts
 * const oversize = new OversizeWarnings(logger, settings.cache_max_entry_bytes)
 * if (kept === undefined) oversize.warn(key)
 * ```
 */
export class OversizeWarnings {
  readonly #log: Logger
  readonly #maxBytes: number
  readonly #told = new Set<string>()

  constructor(log: Logger, maxBytes: number) {
    this.#log = log
    this.#maxBytes = maxBytes
  }

  /** `key` is a cache key: its first line is the action's name. */
  warn(key: string): void {
    const action = key.slice(0, key.indexOf('\n'))
    if (this.#told.has(action)) return
    this.#told.add(action)
    this.#log.warn({ action, cache_max_entry_bytes: this.#maxBytes }, `A result of ${action} is over ${this.#maxBytes} bytes (cache_max_entry_bytes, or cache_max_bytes when smaller): such results are answered, not cached`)
  }
}
