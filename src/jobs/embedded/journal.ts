import { closeSync, existsSync, fdatasync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'

const datasync = promisify(fdatasync)

/** When to rewrite the journal as a snapshot of what is live. */
export interface CompactionPolicy {
  /** Never compact below this size (bytes). */
  readonly minBytes: number
  /** Compact once the file is this many times the last snapshot's size. */
  readonly ratio: number
}

const DEFAULT_POLICY: CompactionPolicy = { minBytes: 1 << 20, ratio: 2 }

/**
 * An append-only, fsync'd log of JSON records: the embedded job store.
 *
 * - Appends made in the same tick (and while an fsync runs) are written
 *   with one `write` and made durable with one `fdatasync` (group commit):
 *   a durable append resolves only after its fsync.
 * - A torn last line (the process died mid-write) is dropped on open.
 * - When the file grows past the policy, the next flush writes a snapshot
 *   of the live state to a temp file, fsyncs it and renames it over the
 *   journal, so the file stays proportional to the jobs kept.
 *
 * @example
 * ```ts
 * const { journal, records } = Journal.open('.serval/jobs/journal.ndjson', () => snapshot())
 * await journal.append({ op: 'put', job }, true)
 * ```
 */
export class Journal {
  readonly #path: string
  readonly #snapshot: () => readonly object[]
  readonly #policy: CompactionPolicy
  #fd: number
  #size: number
  #baseline: number
  #pending: string[] = []
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = []
  #scheduled = false
  #flushing: Promise<void> | undefined
  #closed = false
  /** Called when a flush fails (disk full…); durable appends reject too. */
  onError: (error: unknown) => void = () => undefined

  private constructor(path: string, fd: number, size: number, snapshot: () => readonly object[], policy: CompactionPolicy) {
    this.#path = path
    this.#fd = fd
    this.#size = size
    this.#baseline = size
    this.#snapshot = snapshot
    this.#policy = policy
  }

  /** Opens (or creates) the journal and returns it with every record it held, oldest first. */
  static open(path: string, snapshot: () => readonly object[], policy: CompactionPolicy = DEFAULT_POLICY): { journal: Journal; records: unknown[]; skipped: number } {
    if (existsSync(`${path}.tmp`)) unlinkSync(`${path}.tmp`) // a compaction that never finished; the journal is intact
    const { records, validBytes, skipped } = readRecords(path)
    const fd = openSync(path, 'a+')
    ftruncateSync(fd, validBytes)
    return { journal: new Journal(path, fd, validBytes, snapshot, policy), records, skipped }
  }

  /** Bytes in the journal file. */
  get size(): number {
    return this.#size
  }

  /** Appends a record; with `durable`, resolves once it is on disk. */
  append(record: object, durable: true): Promise<void>
  append(record: object, durable?: false): void
  append(record: object, durable = false): Promise<void> | void {
    if (this.#closed) throw new Error('journal is closed')
    this.#pending.push(`${JSON.stringify(record)}\n`)
    const done = durable ? new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject })) : undefined
    this.#schedule()
    return done
  }

  /** Writes what is pending, fsyncs and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.#flushing
    await this.#flush()
    this.#closed = true
    closeSync(this.#fd)
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
      if (this.#size > this.#policy.minBytes && this.#size > this.#baseline * this.#policy.ratio) this.#compact()
      else {
        this.#size += writeAll(this.#fd, chunk)
        await datasync(this.#fd)
      }
      for (const w of waiters) w.resolve()
    } catch (error) {
      this.onError(error)
      for (const w of waiters) w.reject(error)
    }
  }

  /** Rewrites the file as the live state; the state already holds what the pending records say. */
  #compact(): void {
    const tmp = `${this.#path}.tmp`
    const fd = openSync(tmp, 'w')
    let size = 0
    try {
      size = writeAll(fd, this.#snapshot().map((r) => `${JSON.stringify(r)}\n`).join(''))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, this.#path)
    syncDir(dirname(this.#path))
    closeSync(this.#fd)
    this.#fd = openSync(this.#path, 'a+')
    this.#size = size
    this.#baseline = Math.max(size, 1)
  }
}

function writeAll(fd: number, text: string): number {
  const bytes = Buffer.from(text)
  let offset = 0
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset)
  return bytes.length
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function readRecords(path: string): { records: unknown[]; validBytes: number; skipped: number } {
  if (!existsSync(path)) return { records: [], validBytes: 0, skipped: 0 }
  const bytes = readFileSync(path)
  // Everything after the last newline is a torn write.
  const validBytes = bytes.lastIndexOf(0x0a) + 1
  const records: unknown[] = []
  let skipped = 0
  for (const line of bytes.subarray(0, validBytes).toString('utf8').split('\n')) {
    if (!line) continue
    try {
      records.push(JSON.parse(line))
    } catch {
      skipped++
    }
  }
  return { records, validBytes, skipped }
}
