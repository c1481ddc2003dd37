import { afterEach, describe, expect, it, vi } from 'vitest'
import { runAt } from './timer.ts'

const DAY = 86_400_000
afterEach(() => vi.useRealTimers())

describe('runAt', () => {
  it('waits 30 days (past the 2^31-1 ms a single timer takes) and runs once', () => {
    vi.useFakeTimers()
    const fn = vi.fn()
    runAt(Date.now() + 30 * DAY, fn)
    vi.advanceTimersByTime(29 * DAY)
    expect(fn).not.toHaveBeenCalled()
    vi.advanceTimersByTime(DAY)
    expect(fn).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(60 * DAY)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('runs an overdue time on the next turn, not synchronously, and can be cancelled', () => {
    vi.useFakeTimers()
    const fn = vi.fn()
    runAt(Date.now() - 1000, fn)
    expect(fn).not.toHaveBeenCalled()
    vi.advanceTimersByTime(0)
    expect(fn).toHaveBeenCalledTimes(1)
    const cancelled = vi.fn()
    runAt(Date.now() + 40 * DAY, cancelled)()
    vi.advanceTimersByTime(41 * DAY)
    expect(cancelled).not.toHaveBeenCalled()
  })
})
