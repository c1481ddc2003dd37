import { dirname } from 'node:path'
import { nodeJournalFs, type JournalFs } from './journal-fs.ts'
import { replay } from './replay.ts'

/** When to rewrite the journal as a snapshot of what is live. */
export interface CompactionPolicy {
  /** Never compact below this size (bytes). */
  readonly minBytes: number
  /** Compact once the file is this many times the last snapshot's size. */
  readonly ratio: number
}

/** How to open a journal. */
export interface JournalOptions {
  /** The live state as records: what a compaction writes. */
  readonly snapshot: () => readonly object[]
  /** Called for every record on disk, oldest first, while opening. */
  readonly onRecord: (record: unknown) => void
  readonly policy?: CompactionPolicy
  readonly fs?: JournalFs
  /** Bytes read at a time while replaying. */
  readonly chunkBytes?: number
}

const DEFAULT_POLICY: CompactionPolicy = { minBytes: 1 << 20, ratio: 2 }
/** Compaction writes the snapshot in pieces this big, yielding to the event loop between them. */
const COMPACT_CHUNK = 1 << 20

interface Waiter {
  resolve(): void
  reject(error: unknown): void
}

/**
 * An append-only, fsync'd log of JSON records: the embedded job store.
 *
 * - `commit` resolves only once its record is written and `fdatasync`'d.
 *   Records appended in the same tick (and while a sync runs) share one
 *   write and one sync (group commit).
 * - A failed write or sync truncates the file back to its last good size,
 *   so a half-written line never glues onto the next record and rejected
 *   records never come back. After a failed sync (whose dirty pages the
 *   kernel may have dropped), or when the file was replaced under it, the
 *   journal refuses every write until it is reopened.
 * - A torn last line (the process died mid-write) is dropped on open; the
 *   file is replayed in chunks, never as one string.
 * - Once the file is past `ratio` times the last snapshot (and
 *   `minBytes`), it is rewritten as a snapshot of the live state: written
 *   asynchronously to a temp file, fsync'd, renamed over the journal, and
 *   the directory fsync'd. Until the first compaction after open, the
 *   snapshot's size counts as 0, so a file of dead records shrinks.
 *
 * @example
 * ```ts
 * const { journal } = Journal.open('.serval/jobs/journal.ndjson', { snapshot, onRecord: apply })
 * await journal.commit({ op: 'put', job })
 * journal.append({ op: 'start', id, at: Date.now() })
 * ```
 */
export class Journal {
  readonly #path: string
  readonly #fs: JournalFs
  readonly #snapshot: () => readonly object[]
  readonly #policy: CompactionPolicy
  #fd: number
  #identity: string
  /** Bytes known good: everything up to here is whole lines, synced. */
  #size: number
  #baseline = 0
  #pending: string[] = []
  #waiters: Waiter[] = []
  #scheduled = false
  #flushing: Promise<void> | undefined
  #closed = false
  #broken: Error | undefined
  /** Called when a flush fails (disk full…); its commits reject too. */
  onError: (error: unknown) => void = () => undefined

  private constructor(path: string, fs: JournalFs, fd: number, size: number, options: JournalOptions) {
    this.#path = path
    this.#fs = fs
    this.#fd = fd
    this.#identity = fs.identity(fd)
    this.#size = size
    this.#snapshot = options.snapshot
    this.#policy = options.policy ?? DEFAULT_POLICY
  }

  /** Opens (or creates) the journal, replaying every record it holds through `onRecord`. */
  static open(path: string, options: JournalOptions): { journal: Journal; skipped: number } {
    const fs = options.fs ?? nodeJournalFs
    if (fs.exists(`${path}.tmp`)) fs.unlink(`${path}.tmp`) // a compaction that never finished; the journal is intact
    const fd = fs.open(path, 'a+')
    try {
      const { validBytes, skipped } = replay(fs, fd, options.onRecord, options.chunkBytes)
      fs.truncate(fd, validBytes)
      return { journal: new Journal(path, fs, fd, validBytes, options), skipped }
    } catch (error) {
      fs.close(fd)
      throw error
    }
  }

  /** Queues a record for the next group write; it is durable once a later `commit` resolves. */
  append(record: object): void {
    this.#queue(record)
    this.#schedule()
  }

  /** Appends a record and resolves once it (and everything before it) is on disk. */
  commit(record: object): Promise<void> {
    this.#queue(record)
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }))
    this.#schedule()
    return done
  }

  /** Writes what is pending, syncs and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.#flushing
    await this.#flush()
    this.#closed = true
    this.#fs.close(this.#fd)
  }

  #queue(record: object): void {
    if (this.#closed) throw new Error('journal is closed')
    this.#pending.push(`${JSON.stringify(record)}\n`)
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined
        if (this.#pending.length) this.#schedule()
      })
    })
  }

  async #flush(): Promise<void> {
    if (!this.#pending.length) return
    const chunk = this.#pending.join('')
    const waiters = this.#waiters
    this.#pending = []
    this.#waiters = []
    try {
      this.#checkWritable()
      if (!(this.#dueForCompaction() && (await this.#tryCompact()))) await this.#appendChunk(chunk)
      for (const w of waiters) w.resolve()
    } catch (error) {
      this.onError(error)
      for (const w of waiters) w.reject(error)
    }
  }

  /** Refuses to write once broken, or when another process replaced the file (its lock was not respected). */
  #checkWritable(): void {
    if (this.#broken) throw this.#broken
    if (this.#fs.identityOf(this.#path) !== this.#identity) {
      this.#broken = new Error(`the job journal ${this.#path} was replaced or removed by another process; reopen it`)
      throw this.#broken
    }
  }

  #dueForCompaction(): boolean {
    return this.#size > this.#policy.minBytes && this.#size > this.#baseline * this.#policy.ratio
  }

  /** Writes the chunk and syncs it; on failure, cuts the file back to its last good size. */
  async #appendChunk(chunk: string): Promise<void> {
    const bytes = Buffer.from(chunk)
    try {
      for (let offset = 0; offset < bytes.length; ) offset += this.#fs.write(this.#fd, bytes, offset)
    } catch (error) {
      this.#rollback(error, false)
      throw error
    }
    try {
      await this.#fs.datasync(this.#fd)
    } catch (error) {
      this.#rollback(error, true)
      throw error
    }
    this.#size += bytes.length
  }

  /** Drops a failed write; after a failed sync, or if the cut fails, refuses writes until reopened. */
  #rollback(error: unknown, syncFailed: boolean): void {
    try {
      this.#fs.truncate(this.#fd, this.#size)
    } catch {
      syncFailed = true
    }
    if (syncFailed) this.#broken = new Error(`the job journal could not be synced (${String((error as Error)?.message ?? error)}); reopen it`)
  }

  /**
   * Rewrites the file as the live state (which already holds the pending
   * records). False when the snapshot could not be written (the journal is
   * left as it was); once renamed, a failure breaks the journal.
   */
  async #tryCompact(): Promise<boolean> {
    const tmp = `${this.#path}.tmp`
    let bytes: Buffer
    try {
      bytes = Buffer.from(this.#snapshot().map((r) => `${JSON.stringify(r)}\n`).join(''))
      await this.#writeFile(tmp, bytes)
      await this.#fs.rename(tmp, this.#path)
    } catch (error) {
      this.onError(error)
      if (this.#fs.exists(tmp)) this.#fs.unlink(tmp)
      return false
    }
    this.#reopen(bytes.length)
    try {
      await this.#fs.syncDir(dirname(this.#path))
    } catch (error) {
      this.#broken = new Error(`the job journal's directory could not be synced (${(error as Error).message}); reopen it`)
      throw error
    }
    return true
  }

  async #writeFile(path: string, bytes: Buffer): Promise<void> {
    const fd = this.#fs.open(path, 'w')
    try {
      for (let offset = 0; offset < bytes.length; ) {
        offset += await this.#fs.writeAt(fd, bytes.subarray(0, Math.min(bytes.length, offset + COMPACT_CHUNK)), offset, offset)
      }
      await this.#fs.fsync(fd)
    } finally {
      this.#fs.close(fd)
    }
  }

  #reopen(size: number): void {
    this.#fs.close(this.#fd)
    this.#fd = this.#fs.open(this.#path, 'a+')
    this.#identity = this.#fs.identity(this.#fd)
    this.#size = size
    this.#baseline = size
  }
}
