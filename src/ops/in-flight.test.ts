import { describe, expect, it } from 'vitest'
import { InFlight, type InFlightEntry } from './in-flight.ts'

const entry = (id: string, startedAt: number): InFlightEntry => ({ id, method: 'GET', path: `/${id}`, action: null, startedAt })

describe('InFlight', () => {
  it('lists what is in flight, oldest first, and forgets what ended', () => {
    const inFlight = new InFlight()
    const [a, b, c] = [entry('a', 30), entry('b', 10), entry('c', 20)]
    for (const e of [a, b, c]) inFlight.add(e)
    expect(inFlight.entries().map((e) => e.id)).toEqual(['b', 'c', 'a'])
    inFlight.delete(c)
    expect(inFlight.size).toBe(2)
    expect(inFlight.entries().map((e) => e.id)).toEqual(['b', 'a'])
    inFlight.delete(b)
    inFlight.delete(a)
    expect(inFlight.size).toBe(0)
    expect(inFlight.entries()).toEqual([])
  })

  it('counts an entry once however often it is added or deleted', () => {
    const inFlight = new InFlight()
    const [a, b] = [entry('a', 1), entry('b', 2)]
    inFlight.add(a)
    inFlight.add(a)
    inFlight.add(b)
    expect(inFlight.size).toBe(2)
    inFlight.delete(a)
    inFlight.delete(a)
    expect(inFlight.size).toBe(1)
    expect(inFlight.entries()).toEqual([b])
    inFlight.add(a) // a request object is never reused, but a re-add after a delete must list it again
    expect(inFlight.entries().map((e) => e.id)).toEqual(['a', 'b'])
  })

  it('claims up to the limit, and a delete releases the claim', () => {
    const inFlight = new InFlight(2)
    const [a, b, c] = [entry('a', 1), entry('b', 2), entry('c', 3)]
    for (const e of [a, b, c]) inFlight.add(e)
    expect([inFlight.claim(a), inFlight.claim(b), inFlight.claim(c)]).toEqual([true, true, false])
    expect(inFlight.claimed).toBe(2)
    inFlight.delete(a)
    expect(inFlight.claimed).toBe(1)
    expect(inFlight.claim(c)).toBe(true)
  })
})
