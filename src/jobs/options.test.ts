import { describe, expect, it } from 'vitest'
import { action, buildRegistry } from 'serval'
import { loadSettings } from '../config/load.ts'
import { backoffDelay, jobOptions, MAX_BACKOFF_MS } from './options.ts'

async function optionsOf(job: unknown) {
  const a = action({ name: 'work', job: job as never }, () => undefined)
  const compiled = (await buildRegistry([{ action: a, exportName: 'work', file: 'work.ts' }])).get('work')!
  const { settings } = await loadSettings({ cli: {}, filesOff: true, env: {} })
  return jobOptions(compiled, settings)
}

describe('backoffDelay', () => {
  it('doubles from delayMs, and stops at the 24 h cap however many attempts failed', () => {
    const backoff = { type: 'exponential', delayMs: 1000 } as const
    expect([1, 2, 3, 4].map((n) => backoffDelay(backoff, n))).toEqual([1000, 2000, 4000, 8000])
    expect(backoffDelay(backoff, 17)).toBe(65_536_000)
    expect(backoffDelay(backoff, 18)).toBe(MAX_BACKOFF_MS)
    expect(backoffDelay(backoff, 2000)).toBe(MAX_BACKOFF_MS) // 2^1999 is Infinity, which a timer reads as 1 ms
    expect(MAX_BACKOFF_MS).toBe(86_400_000)
  })

  it('waits delayMs every time when fixed', () => {
    expect(backoffDelay({ type: 'fixed', delayMs: 250 }, 9)).toBe(250)
  })
})

describe('jobOptions', () => {
  it.each([
    [{ retry: { attempts: 2, backoff: { type: 'fixed', delayMs: MAX_BACKOFF_MS + 1 } } }, /retry\.backoff\.delayMs must be a number from 0 to 86400000/],
    [{ retry: { attempts: 2, backoff: { type: 'fixed', delayMs: '5' } } }, /retry\.backoff\.delayMs/],
    [{ timeoutMs: 2 ** 31 }, /timeoutMs must be a number from 1 to 2147483647/],
    [{ timeoutMs: '10' }, /timeoutMs must be/],
  ])('refuses %j at startup, naming the action', async (job, message) => {
    await expect(optionsOf(job)).rejects.toThrow(message)
    await expect(optionsOf(job)).rejects.toThrow(/action "work" \(in work\.ts\)/)
  })

  it('accepts the largest values', async () => {
    expect(await optionsOf({ retry: { attempts: 2, backoff: { type: 'fixed', delayMs: MAX_BACKOFF_MS } }, timeoutMs: 2 ** 31 - 1 })).toMatchObject({ timeoutMs: 2 ** 31 - 1, backoff: { delayMs: MAX_BACKOFF_MS } })
  })
})
