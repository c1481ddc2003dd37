import { mkdirSync } from 'node:fs'
import { readdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeWhole } from '../internal/write-whole.ts'
import { ServalError } from '../errors/index.ts'
import type { Asset } from './asset.ts'

/** A base58btc multihash: anything else is not an id and never reaches the file system. */
const ID = /^z[1-9A-HJ-NP-Za-km-z]{40,60}$/

/** True for a text shaped like an asset id (anything else is never looked up). */
export function isAssetId(id: string): boolean {
  return ID.test(id)
}

/**
 * The most bytes one asset may hold (64 MiB). Assets are read whole to be
 * served (and, with Redis, kept in its memory and sent in one command), so
 * they are bounded; a larger output belongs in a file the action serves
 * itself, or in object storage.
 */
export const MAX_ASSET_BYTES = 64 * 1024 * 1024

/**
 * Refuses an asset over {@link MAX_ASSET_BYTES}: the answer that holds it
 * is a 500 `invalid-output` problem rather than an href that would not
 * resolve.
 *
 * @example
 * ```ts
 * checkAssetSize(asset(bytes, 'video/mp4')) // throws past 64 MiB
 * ```
 */
export function checkAssetSize(asset: Asset): void {
  if (asset.size > MAX_ASSET_BYTES) throw new ServalError('invalid-output', { detail: `An asset may hold at most ${MAX_ASSET_BYTES} bytes; this one has ${asset.size}` })
}

/**
 * Where assets live: files in `data_dir/assets`, or Redis with `redis_url`
 * (every instance serves what any stored).
 *
 * @example
 * ```ts
 * await store.put(asset(bytes, 'image/png'), Date.now() + 86_400_000)
 * const found = await store.get(id) // { bytes, contentType } | undefined
 * ```
 */
export interface AssetStore {
  /** Stores the bytes (once), kept at least until `until` (ms since the epoch) when given. */
  put(asset: Asset, until?: number): Promise<void>
  /** The bytes and content type, or undefined for an unknown, malformed or expired id. */
  get(id: string): Promise<{ bytes: Buffer; contentType: string } | undefined>
  /** Removes what has expired (Redis expires keys itself). */
  sweep?(): Promise<number>
  close?(): Promise<void>
}

/** A `.tmp` or a lone `.type` this old is what a crash left behind. */
const LEFTOVER_MS = 3_600_000

/**
 * Content-addressed assets in `data_dir/assets`: `<id>` holds the bytes,
 * `<id>.type` the content type. Written once (tmp + rename); the same bytes
 * are never written twice.
 *
 * Retention: an asset goes `retentionS` after the last answer that referred
 * to it, and never before `until` (a stored result's expiry). The bytes'
 * modification time is when that clock started: putting an asset again
 * moves it on (one `utimes`, no write, at most once per hundredth of the
 * retention), a stored result that outlives the retention sets it ahead.
 * `retentionS` 0 keeps everything.
 *
 * @example
 * ```ts
 * const store = new FileAssetStore(join(dataDir, 'assets'), 604_800)
 * await store.put(asset(bytes, 'image/png'))
 * ```
 */
export class FileAssetStore implements AssetStore {
  readonly #dir: string
  readonly #retentionMs: number

  constructor(dir: string, retentionS = 0) {
    this.#dir = dir
    this.#retentionMs = retentionS * 1000
    mkdirSync(dir, { recursive: true })
  }

  async put(asset: Asset, until?: number): Promise<void> {
    checkAssetSize(asset)
    const file = join(this.#dir, asset.id)
    const stamp = this.#stamp(until)
    const found = await stat(file).catch(() => undefined)
    // An expired copy may be going this very moment (a sweep): write it again rather than trust it.
    if (found !== undefined && !this.#expired(found.mtimeMs, Date.now())) {
      if (stamp === undefined || found.mtimeMs >= stamp - (until === undefined ? this.#retentionMs / 100 : 0)) return
      if (await utimes(file, new Date(), new Date(stamp)).then(() => true, () => false)) return
    }
    await writeFile(`${file}.type`, asset.contentType)
    await writeWhole(file, asset.bytes)
    // Stamped after the rename: until then the new file only looks fresher than it is, never expired.
    if (stamp !== undefined) await utimes(file, new Date(), new Date(stamp))
  }

  async get(id: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
    if (!ID.test(id)) return undefined
    const file = join(this.#dir, id)
    try {
      const [bytes, contentType, stats] = await Promise.all([readFile(file), readFile(`${file}.type`, 'utf8'), this.#retentionMs > 0 ? stat(file) : undefined])
      if (stats !== undefined && this.#expired(stats.mtimeMs, Date.now())) return void (await this.#remove(id))
      return { bytes, contentType }
    } catch {
      return undefined
    }
  }

  /**
   * Removes expired assets (bytes and type), and what a crash left (a
   * `.tmp`, a `.type` without bytes) after an hour. Reads no file, only
   * their times; returns how many assets went.
   */
  async sweep(): Promise<number> {
    const now = Date.now()
    const names = await readdir(this.#dir).catch(() => [] as string[])
    const present = new Set(names)
    let removed = 0
    for (const name of names) {
      const mtime = (await stat(join(this.#dir, name)).catch(() => undefined))?.mtimeMs
      if (mtime === undefined) continue
      if (ID.test(name)) {
        if (this.#expired(mtime, now) && (await this.#remove(name))) removed++
      } else if ((name.endsWith('.tmp') || (name.endsWith('.type') && !present.has(name.slice(0, -5)))) && mtime < now - LEFTOVER_MS) {
        await unlink(join(this.#dir, name)).catch(() => undefined)
      }
    }
    return removed
  }

  /** The modification time that makes the asset last `retentionMs` from now, and at least until `until`. */
  #stamp(until: number | undefined): number | undefined {
    if (this.#retentionMs === 0) return undefined
    const now = Date.now()
    return until === undefined ? now : Math.max(now, until - this.#retentionMs)
  }

  #expired(mtimeMs: number, now: number): boolean {
    return this.#retentionMs > 0 && mtimeMs + this.#retentionMs <= now
  }

  async #remove(id: string): Promise<boolean> {
    const file = join(this.#dir, id)
    const gone = await unlink(file).then(() => true, () => false)
    await unlink(`${file}.type`).catch(() => undefined)
    return gone
  }
}
