import { describe, expect, it } from 'vitest'
import { ReadyQueues } from './ready.ts'

describe('ReadyQueues', () => {
  it('takes the oldest job among the actions with room', () => {
    const q = new ReadyQueues()
    q.push('a', 'a1', 1)
    q.push('b', 'b1', 2)
    q.push('a', 'a2', 3)
    const all = () => true
    expect(q.take(all, all)).toBe('a1')
    expect(q.take((action) => action !== 'b', all)).toBe('a2')
    expect(q.take((action) => action !== 'b', all)).toBeUndefined()
    expect(q.take(all, all)).toBe('b1')
  })

  it('drops entries that are no longer ready (cancelled while queued)', () => {
    const q = new ReadyQueues()
    q.push('a', 'gone', 1)
    q.push('a', 'kept', 2)
    expect(q.take(() => true, (id) => id !== 'gone')).toBe('kept')
    expect(q.size).toBe(0)
  })

  it('keeps memory bounded over many pushes and takes: consumed slots are dropped', () => {
    const q = new ReadyQueues()
    let most = 0
    for (let i = 0; i < 10_000; i++) {
      q.push('a', `j${i}`, i)
      expect(q.take(() => true, () => true)).toBe(`j${i}`)
      most = Math.max(most, q.capacity)
    }
    expect(q.size).toBe(0)
    expect(most).toBeLessThanOrEqual(2048)
  })

  it('keeps memory bounded when stale entries (cancelled jobs) are dropped, and keeps the live ones in order', () => {
    const q = new ReadyQueues()
    for (let i = 0; i < 5000; i++) q.push('a', `j${i}`, i)
    const taken: string[] = []
    for (let id = q.take(() => true, (id) => Number(id.slice(1)) % 100 === 0); id !== undefined; id = q.take(() => true, (id) => Number(id.slice(1)) % 100 === 0)) taken.push(id)
    expect(taken).toEqual(Array.from({ length: 50 }, (_, n) => `j${n * 100}`))
    expect(q.capacity).toBeLessThanOrEqual(2048)
  })

  it('still takes the oldest across actions after a long run on one action (its consumed slots were dropped)', () => {
    const q = new ReadyQueues()
    for (let i = 0; i < 2000; i++) q.push('a', `a${i}`, 2 * i)
    q.push('b', 'b0', 1)
    for (let i = 0; i < 1024; i++) expect(q.take((action) => action === 'a', () => true)).toBe(`a${i}`)
    expect(q.capacity).toBeLessThan(2000) // compacted
    expect(q.take(() => true, () => true)).toBe('b0')
    expect(q.take(() => true, () => true)).toBe('a1024')
  })

  it('counts the slots it holds', () => {
    const q = new ReadyQueues()
    for (let i = 0; i < 10; i++) q.push(i % 2 ? 'a' : 'b', `j${i}`, i)
    expect(q.capacity).toBe(10)
    expect(q.size).toBe(10)
  })
})

