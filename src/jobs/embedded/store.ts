import { join } from 'node:path'
import type { JobFilter, JobPage, JobRecord } from '../types.ts'
import type { JournalFs } from './journal-fs.ts'
import { Journal, type CompactionPolicy } from './journal.ts'
import { OwnerIndex } from './owners.ts'
import { applyOp, toRecord, type JournalOp, type StoredJob } from './state.ts'

/** How to open a store (tests pass a small policy or a failing fs). */
export interface StoreOptions {
  readonly policy?: CompactionPolicy
  readonly fs?: JournalFs
}

/**
 * The embedded jobs, in memory and in `journal.ndjson`: every change is
 * applied to the job, journaled, and shown to the watchers. A `put` is not
 * a change (the job is new): watchers see a job from its start on, as with
 * the Redis backend, whose watchers see only the jobs its workers run. Jobs
 * are indexed by owner, so a listing costs its page, not the store.
 *
 * @example
 * ```ts
 * const { store } = JobStore.open('.serval/jobs')
 * await store.put(job)
 * store.change({ op: 'start', id: job.id, at: Date.now() })
 * ```
 */
export class JobStore {
  readonly #jobs = new Map<string, StoredJob>()
  readonly #owners = new OwnerIndex((id) => this.#jobs.has(id))
  readonly #watchers = new Set<(job: JobRecord) => void>()
  #journal!: Journal

  private constructor() {}

  /** Opens `dir/journal.ndjson` and replays it. */
  static open(dir: string, options: StoreOptions = {}): { store: JobStore; skipped: number } {
    const store = new JobStore()
    const snapshot = () => Array.from(store.#jobs.values(), (job) => ({ op: 'put', job }))
    const onRecord = (record: unknown) => store.#apply(record as JournalOp)
    const { journal, skipped } = Journal.open(join(dir, 'journal.ndjson'), { snapshot, onRecord, ...options })
    store.#journal = journal
    return { store, skipped }
  }

  /** Called when a journal write fails (the failed commits reject too). */
  set onError(listener: (error: unknown) => void) {
    this.#journal.onError = listener
  }

  get(id: string): StoredJob | undefined {
    return this.#jobs.get(id)
  }

  values(): IterableIterator<StoredJob> {
    return this.#jobs.values()
  }

  get size(): number {
    return this.#jobs.size
  }

  /** Stores a new job; resolves once it is on disk (and forgets it again if that failed). */
  async put(job: StoredJob): Promise<void> {
    this.#apply({ op: 'put', job })
    try {
      await this.#journal.commit({ op: 'put', job })
    } catch (error) {
      this.#apply({ op: 'del', id: job.id })
      throw error
    }
  }

  /** Applies a change, shows it to the watchers, and journals it with the next group write. */
  change(op: JournalOp): void {
    this.#apply(op)
    this.#notify(op)
    this.#journal.append(op)
  }

  /** Like `change`, and resolves once the change is on disk. */
  commit(op: JournalOp): Promise<void> {
    this.#apply(op)
    this.#notify(op)
    return this.#journal.commit(op)
  }

  /** Shows a change that is not journaled (progress) to the watchers. */
  notify(job: StoredJob): void {
    if (!this.#watchers.size) return
    const record = toRecord(job)
    for (const watcher of this.#watchers) watcher(record)
  }

  watch(listener: (job: JobRecord) => void): () => void {
    this.#watchers.add(listener)
    return () => this.#watchers.delete(listener)
  }

  /** One owner's jobs, newest first: reads the page (and the offset before it), never the whole store. */
  list(filter: JobFilter): JobPage {
    const items: JobRecord[] = []
    let skip = filter.offset
    for (const id of this.#owners.newest(filter.owner, filter.action)) {
      const job = this.#jobs.get(id)
      if (!job || (filter.status !== undefined && job.status !== filter.status)) continue
      if (skip > 0) {
        skip--
        continue
      }
      if (items.length === filter.limit) return { items, more: true }
      items.push(toRecord(job))
    }
    return { items, more: false }
  }

  close(): Promise<void> {
    return this.#journal.close()
  }

  #apply(op: JournalOp): void {
    const gone = op.op === 'del' ? this.#jobs.get(op.id) : undefined
    const added = op.op === 'put' && !this.#jobs.has(op.job.id) ? op.job : undefined
    applyOp(this.#jobs, op)
    if (added) this.#owners.add(ownerOf(added), added.action, added.id)
    if (gone) this.#owners.remove(ownerOf(gone), gone.action)
  }

  #notify(op: JournalOp): void {
    const job = this.#jobs.get(op.op === 'put' ? op.job.id : op.id)
    if (job) this.notify(job)
  }
}

function ownerOf(job: StoredJob): string | null {
  return job.principal?.sub ?? null
}
