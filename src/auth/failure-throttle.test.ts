import { describe, expect, it } from 'vitest'
import { FailureThrottle } from './failure-throttle.ts'

describe('FailureThrottle', () => {
  const make = (clock: { t: number }, maxClients = 100) =>
    new FailureThrottle({ free: 3, baseMs: 1000, maxMs: 8000, maxClients, now: () => clock.t })

  it('lets the first failures through, then doubles the wait up to the cap', () => {
    const throttle = make({ t: 0 })
    const told: number[] = []
    for (let i = 0; i < 7; i++) {
      throttle.fail('a')
      told.push(throttle.waitMs('a'))
    }
    expect(told).toEqual([0, 0, 1000, 2000, 4000, 8000, 8000])
  })

  it('lets a client try again once it has waited as long as told', () => {
    const clock = { t: 0 }
    const throttle = make(clock)
    for (let i = 0; i < 4; i++) throttle.fail('a')
    clock.t += 1999
    expect(throttle.waitMs('a')).toBe(1)
    clock.t += 1
    expect(throttle.waitMs('a')).toBe(0)
  })

  it('keeps clients apart and forgets one on success', () => {
    const clock = { t: 0 }
    const throttle = make(clock)
    for (let i = 0; i < 3; i++) throttle.fail('a')
    expect(throttle.waitMs('a')).toBe(1000)
    expect(throttle.waitMs('b')).toBe(0)
    throttle.succeed('a')
    expect(throttle.waitMs('a')).toBe(0)
    throttle.fail('a')
    expect(throttle.waitMs('a')).toBe(0) // counting starts again
  })

  it('remembers at most maxClients, forgetting the one that failed longest ago', () => {
    const clock = { t: 0 }
    const throttle = make(clock, 2)
    for (const client of ['a', 'b', 'a', 'a', 'c']) throttle.fail(client)
    expect(throttle.waitMs('a')).toBe(1000) // a failed last before c: kept
    for (let i = 0; i < 3; i++) throttle.fail('b') // b was forgotten: it counts from zero
    expect(throttle.waitMs('b')).toBe(1000)
  })
})
