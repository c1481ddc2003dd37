import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeWholeSync } from '../internal/write-whole.ts'
import type { DerivedSchemas } from './derive.ts'

// Bumped whenever the derivation's output changes, so an old cache is never read.
const DERIVER_VERSION = '1'

/** One action file's derived schemas, and the files its types were read from (with their hashes). */
export interface CacheEntry {
  readonly deps: Readonly<Record<string, string>>
  readonly actions: Readonly<Record<string, DerivedSchemas>>
}

const memory = new Map<string, CacheEntry>()

/**
 * The cache key of an action file: its source, the TypeScript version and
 * the deriver's version. The types it imports are checked on read (`deps`).
 *
 * @example
 * ```ts
 * cacheKey(readFileSync(file, 'utf8'), '5.9.3') // 'a3f…'
 * ```
 */
export function cacheKey(source: string, tsVersion: string | undefined): string {
  return sha256(`${DERIVER_VERSION}\0${tsVersion ?? 'none'}\0${source}`)
}

/**
 * The entry for a key when every file it was derived from is unchanged:
 * from memory, else from `dir/<key>.json`.
 *
 * @example
 * ```ts
 * const hit = readEntry('.serval/types-schema', key)
 * ```
 */
export function readEntry(dir: string, key: string): CacheEntry | undefined {
  const entry = memory.get(key) ?? readJson(join(dir, `${key}.json`))
  if (!entry || !Object.entries(entry.deps).every(([file, hash]) => hashFile(file) === hash)) return undefined
  memory.set(key, entry)
  return entry
}

/**
 * Stores an entry (written to a temporary file, then renamed, so a reader
 * never sees half of one). A data_dir that cannot be written costs the next
 * start a derivation, nothing more.
 *
 * @example
 * ```ts
 * writeEntry('.serval/types-schema', key, { deps, actions })
 * ```
 */
export function writeEntry(dir: string, key: string, entry: CacheEntry): void {
  memory.set(key, entry)
  try {
    mkdirSync(dir, { recursive: true })
    writeWholeSync(join(dir, `${key}.json`), JSON.stringify(entry))
  } catch {
    // Read-only deploys still start; they derive each time.
  }
}

/** The SHA-256 of a file's content, or '' when it is gone. */
export function hashFile(file: string): string {
  try {
    return sha256(readFileSync(file, 'utf8'))
  } catch {
    return ''
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function readJson(path: string): CacheEntry | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as CacheEntry
    return value && typeof value.deps === 'object' && typeof value.actions === 'object' ? value : undefined
  } catch {
    return undefined
  }
}

/** Forgets the in-memory entries (tests measure a cold start). */
export function clearMemory(): void {
  memory.clear()
}
