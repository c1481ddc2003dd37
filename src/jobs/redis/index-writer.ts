import type { Redis } from 'ioredis'

interface Pending {
  readonly args: (string | number)[]
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[]
}

/**
 * Writes owner-index entries in batches: every entry added in the same
 * tick goes out as one `ZADD key score member score member…` per owner, so
 * a burst of submits costs one command per owner rather than one per job.
 * Each `add` resolves once its entry is stored, so a submit can still write
 * its entry before its job.
 *
 * @example
 * ```ts
 * const index = new OwnerIndexWriter(redis)
 * await index.add('serval:jobs:owner:-', Date.now(), 'jobs:0d4c…')
 * ```
 */
export class OwnerIndexWriter {
  readonly #redis: Redis
  #batch = new Map<string, Pending>()
  #scheduled = false

  constructor(redis: Redis) {
    this.#redis = redis
  }

  add(key: string, score: number, member: string): Promise<void> {
    let pending = this.#batch.get(key)
    if (!pending) this.#batch.set(key, (pending = { args: [], waiters: [] }))
    pending.args.push(score, member)
    if (!this.#scheduled) {
      this.#scheduled = true
      process.nextTick(() => this.#flush())
    }
    return new Promise((resolve, reject) => pending.waiters.push({ resolve, reject }))
  }

  #flush(): void {
    const batch = this.#batch
    this.#batch = new Map()
    this.#scheduled = false
    for (const [key, { args, waiters }] of batch) {
      this.#redis.zadd(key, ...args).then(
        () => waiters.forEach((w) => w.resolve()),
        (error: unknown) => waiters.forEach((w) => w.reject(error)),
      )
    }
  }
}
