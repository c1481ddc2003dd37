import { mkdirSync, readdirSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeWhole } from '../internal/write-whole.ts'

/** What the server keeps of a login session (never the cookie: it is stored under a hash of the id). */
export interface SessionRecord {
  /** The basic user it belongs to; the principal is rebuilt from the users file on each use. */
  readonly username: string
  readonly createdAt: number
  /** Milliseconds since the epoch: past it the session is gone. */
  readonly expiresAt: number
  /** When the expiry was last pushed forward (a use extends it at most once per refresh interval). */
  readonly touchedAt: number
}

/**
 * Where sessions live: files in `data_dir/sessions`, or Redis with
 * `redis_url` (shared by every instance). Keys are SHA-256 digests of
 * session ids, so reading the store does not let one log in.
 *
 * @example
 * ```ts
 * await store.put(key, record)
 * ```
 */
export interface SessionStore {
  get(key: string): Promise<SessionRecord | undefined>
  /** Writes the record; it expires by itself at `expiresAt`. */
  put(key: string, record: SessionRecord): Promise<void>
  delete(key: string): Promise<void>
  close(): Promise<void>
}

/**
 * Sessions as one JSON file each in `data_dir/sessions`, written
 * atomically (a temporary file renamed over the old). Expired files are
 * removed when read and swept once an hour.
 *
 * @example
 * ```ts
 * const store = new FileSessionStore(join(settings.data_dir, 'sessions'))
 * ```
 */
export class FileSessionStore implements SessionStore {
  readonly #dir: string
  readonly #now: () => number
  readonly #sweeper: NodeJS.Timeout

  constructor(dir: string, now: () => number = Date.now) {
    this.#dir = dir
    this.#now = now
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    this.#sweeper = setInterval(() => void this.sweep(), 3_600_000).unref()
  }

  async get(key: string): Promise<SessionRecord | undefined> {
    const text = await readFile(this.#file(key), 'utf8').catch(() => undefined)
    if (text === undefined) return undefined
    const record = parseRecord(text)
    if (record && record.expiresAt > this.#now()) return record
    await this.delete(key) // expired, or not a session record: never usable
    return undefined
  }

  async put(key: string, record: SessionRecord): Promise<void> {
    await writeWhole(this.#file(key), JSON.stringify(record), { mode: 0o600 })
  }

  async delete(key: string): Promise<void> {
    await rm(this.#file(key), { force: true })
  }

  /** Removes every expired session file. */
  async sweep(): Promise<void> {
    for (const name of readdirSync(this.#dir)) if (name.endsWith('.json')) await this.get(name.slice(0, -5))
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper)
  }

  #file(key: string): string {
    return join(this.#dir, `${key}.json`)
  }
}

// A file that is not JSON is no session (and must not fail a request, nor the hourly sweep).
function parseRecord(text: string): SessionRecord | undefined {
  try {
    return JSON.parse(text) as SessionRecord
  } catch {
    return undefined
  }
}
