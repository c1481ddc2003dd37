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
