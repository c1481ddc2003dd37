import { mkdirSync } from 'node:fs'
import { readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'
import { writeWhole } from '../internal/write-whole.ts'
import { storageName } from './key.ts'
import { entryText, isEntry, OversizeWarnings, type CacheEntry, type CacheStore } from './store.ts'

/**
 * The embedded store: an LRU of at most `maxEntries` in memory and
 * `maxBytes` of JSON in all (an entry over `maxEntryBytes` is not kept at
 * all), each entry also written to `dir` (tmp + rename, so a crash never leaves half a
 * file). A miss in memory reads the file, which is how a restarted process
 * finds the entries of the last one. An entry evicted from memory is
 * removed from disk too, so the disk holds no more than the LRU.
 *
 * @example
 * ```ts
 * const store = new DiskCacheStore(join(dataDir, 'cache'), { maxEntries: 10_000, maxBytes: 64 << 20, maxEntryBytes: 1 << 20 }, app.functionsVersion, logger)
 * ```
 */
export class DiskCacheStore implements CacheStore {
  readonly #dir: string
  readonly #version: string
  readonly #log: Logger
  readonly #memory: LRUCache<string, CacheEntry>
  readonly #writes = new Set<Promise<void>>()
  readonly #maxEntryBytes: number
  readonly #oversize: OversizeWarnings

  constructor(dir: string, limits: { maxEntries: number; maxBytes: number; maxEntryBytes: number }, version: string, log: Logger) {
    this.#dir = dir
    this.#version = version
    this.#log = log
    // An entry larger than the whole LRU could never be kept: the smaller of the two bounds is the one that applies (and the one logged).
    this.#maxEntryBytes = Math.min(limits.maxEntryBytes, limits.maxBytes)
    this.#oversize = new OversizeWarnings(log, this.#maxEntryBytes)
    mkdirSync(dir, { recursive: true })
    this.#memory = new LRUCache<string, CacheEntry>({
      max: limits.maxEntries,
      // Sizes are the entries' JSON bytes, given on every set: what the file holds, and about what the value holds in memory.
      maxSize: limits.maxBytes,
      disposeAfter: (_entry, key, reason) => {
        if (reason === 'evict' || reason === 'delete') this.#track(unlink(this.#file(key)).catch(() => undefined))
      },
    })
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    return this.peek(key) ?? this.#fresh(key, await this.#read(key))
  }

  peek(key: string, now = Date.now()): CacheEntry | undefined {
    return this.#fresh(key, this.#memory.get(key), now)
  }

  #fresh(key: string, entry: CacheEntry | undefined, now = Date.now()): CacheEntry | undefined {
    if (entry === undefined || entry.expiresAt > now) return entry
    this.#memory.delete(key)
    return undefined
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    const kept = entryText(entry, this.#maxEntryBytes)
    if (kept === undefined) return this.#oversize.warn(key)
    this.#memory.set(key, entry, { size: kept.bytes })
    const file = this.#file(key)
    // writeWhole: a temporary file per write, so two sets of one key never share one.
    this.#track(writeWhole(file, kept.text).catch((err: unknown) => this.#log.warn({ err }, 'Could not write a cache entry to disk')))
  }

  /** Waits for the pending writes, so the next process finds them. */
  async close(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all(this.#writes)
  }

  async #read(key: string): Promise<CacheEntry | undefined> {
    let parsed: unknown
    let bytes: number
    try {
      const text = await readFile(this.#file(key))
      bytes = text.byteLength
      // Written under a larger cache_max_entry_bytes (an earlier run): not loaded whole into memory now.
      if (bytes > this.#maxEntryBytes) return undefined
      parsed = JSON.parse(text.toString('utf8'))
    } catch {
      return undefined
    }
    if (!isEntry(parsed)) return undefined
    this.#memory.set(key, parsed, { size: bytes })
    return parsed
  }

  #file(key: string): string {
    return join(this.#dir, `${storageName(this.#version, key)}.json`)
  }

  #track(write: Promise<void>): void {
    this.#writes.add(write)
    void write.finally(() => this.#writes.delete(write))
  }
}
