/**
 * Jobs waiting to run, one FIFO per action, so an action at its
 * concurrency limit never blocks the others. `take` picks the oldest head
 * among the actions that have room. Entries are dropped lazily: a job
 * cancelled while queued stays in its FIFO until `take` skips it.
 *
 * @example
 * ```ts
 * const ready = new ReadyQueues()
 * ready.push('resize', 'job-1', 1)
 * ready.take(() => true, () => true) // 'job-1'
 * ```
 */
export class ReadyQueues {
  readonly #fifos = new Map<string, { ids: string[]; seqs: number[]; head: number }>()
  #size = 0

  /** Entries held, stale ones included. */
  get size(): number {
    return this.#size
  }

  /** Array slots held, consumed ones included: what the memory bound is about. */
  get capacity(): number {
    let slots = 0
    for (const fifo of this.#fifos.values()) slots += fifo.ids.length
    return slots
  }

  push(action: string, id: string, seq: number): void {
    let fifo = this.#fifos.get(action)
    if (!fifo) this.#fifos.set(action, (fifo = { ids: [], seqs: [], head: 0 }))
    fifo.ids.push(id)
    fifo.seqs.push(seq)
    this.#size++
  }

  /**
   * The next id to run: the lowest sequence number among the heads of the
   * actions `hasRoom` allows; heads `isReady` rejects are dropped on the way.
   */
  take(hasRoom: (action: string) => boolean, isReady: (id: string) => boolean): string | undefined {
    let best: { action: string; seq: number } | undefined
    for (const [action, fifo] of this.#fifos) {
      if (!hasRoom(action)) continue
      this.#dropStale(fifo, isReady)
      const seq = fifo.seqs[fifo.head]
      if (seq !== undefined && (!best || seq < best.seq)) best = { action, seq }
    }
    return best ? this.#shift(best.action) : undefined
  }

  #dropStale(fifo: { ids: string[]; seqs: number[]; head: number }, isReady: (id: string) => boolean): void {
    while (fifo.head < fifo.ids.length && !isReady(fifo.ids[fifo.head]!)) {
      fifo.head++
      this.#size--
    }
    this.#compactFifo(fifo)
  }

  #shift(action: string): string | undefined {
    const fifo = this.#fifos.get(action)!
    const id = fifo.ids[fifo.head++]
    this.#size--
    this.#compactFifo(fifo)
    return id
  }

  /** Drops consumed slots once they are half the array, so memory tracks what is queued. */
  #compactFifo(fifo: { ids: string[]; seqs: number[]; head: number }): void {
    if (fifo.head < 1024 || fifo.head * 2 < fifo.ids.length) return
    fifo.ids = fifo.ids.slice(fifo.head)
    fifo.seqs = fifo.seqs.slice(fifo.head)
    fifo.head = 0
  }
}
