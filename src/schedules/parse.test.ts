import { describe, expect, it } from 'vitest'
import { Type } from '@sinclair/typebox'
import { z } from 'zod'
import { action, buildRegistry } from 'serval'
import { parseEvery, parseSchedule } from './parse.ts'

async function compiled(schedule: unknown, input = Type.Object({})) {
  const a = action({ name: 'job1', input, schedule: schedule as never }, () => undefined)
  return (await buildRegistry([{ action: a, exportName: 'job1', file: 'jobs.ts' }])).get('job1')!
}

describe('parseEvery', () => {
  it('reads ms, s, m, h, d and combinations', () => {
    expect(parseEvery('500ms')).toBe(500)
    expect(parseEvery('30s')).toBe(30_000)
    expect(parseEvery('5m')).toBe(300_000)
    expect(parseEvery('1h30m')).toBe(5_400_000)
    expect(parseEvery('1.5s')).toBe(1500)
    expect(parseEvery('2d')).toBe(172_800_000)
    expect(parseEvery('1ms')).toBe(1) // the shortest interval there is
  })

  it('refuses anything else', () => {
    for (const bad of ['', '30', 'often', '1w', '-1s', '0s', 's', '1 h x']) expect(parseEvery(bad)).toBeUndefined()
  })
})

describe('parseSchedule', () => {
  it('accepts every and cron (with a time zone) and checks the input against the schema', async () => {
    expect(await parseSchedule(await compiled({ every: '30s' }))).toMatchObject({ kind: 'every', ms: 30_000, input: {} })
    expect(await parseSchedule(await compiled({ cron: '*/5 * * * *', tz: 'Europe/Paris' }))).toMatchObject({ kind: 'cron', cron: '*/5 * * * *', tz: 'Europe/Paris' })
    expect(await parseSchedule(await compiled({ cron: '*/10 * * * * *' }))).toMatchObject({ kind: 'cron' })
    const withInput = await compiled({ every: '1m', input: { n: 2 } }, Type.Object({ n: Type.Integer() }))
    expect(await parseSchedule(withInput)).toMatchObject({ input: { n: 2 } })
  })

  it.each([
    [{ every: 'often' }, 'every must be an interval'],
    [{ every: 30 }, 'every must be an interval'],
    [{ every: '1s', cron: '* * * * *' }, 'exactly one of'],
    [{}, 'exactly one of'],
    [{ cron: 'every monday' }, 'not a valid pattern'],
    [{ cron: '* * * * *', tz: 'Mars/Olympus' }, 'tz must be an IANA time zone'],
    [{ every: '1s', tz: 'UTC' }, 'cron schedules only'],
    [{ evry: '1s' }, 'unknown key "evry"'],
    [{ cron: '0 0 30 2 *' }, 'cron "0 0 30 2 *" never runs'],
    ['30s', 'must be an object'],
    [null, 'must be an object'],
    [{ cron: 5 }, 'cron must be a pattern like "*/5 * * * *", got 5'],
    [{ cron: '0 0 0 1 1 * 2030' }, 'not a valid pattern'], // 7 parts (a year): BullMQ and the embedded runner take 5 or 6
  ])('refuses %j, naming the action and its file', async (schedule, message) => {
    await expect(parseSchedule(await compiled(schedule))).rejects.toThrow(new RegExp(`action "job1" \\(in jobs\\.ts\\): schedule .*${message.replace(/[()*]/g, '\\$&')}`))
  })

  it("refuses an input the action's schema rejects", async () => {
    const a = await compiled({ every: '1m', input: { n: 'two' } }, Type.Object({ n: Type.Integer() }))
    await expect(parseSchedule(a)).rejects.toThrow(/schedule input does not match the action's input schema: \/n/)
    await expect(parseSchedule(await compiled({ every: '1m', input: { n: 'two', m: 'three' } }, Type.Object({ n: Type.Integer(), m: Type.Integer() })))).rejects.toThrow(/schema: \/n must be integer; \/m must be integer$/)
    // A root-level issue is named "/", not left blank.
    await expect(parseSchedule(await compiled({ every: '1m', input: 5 }))).rejects.toThrow(/input schema: \/ must be object$/)
  })
})

describe('parseSchedule: messages and async schemas', () => {
  it('says a pattern never runs as that, not as an invalid pattern', async () => {
    const error = await parseSchedule(await compiled({ cron: '0 0 30 2 *' })).catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 400, detail: 'action "job1" (in jobs.ts): schedule cron "0 0 30 2 *" never runs' })
  })

  it('awaits an input schema that validates asynchronously', async () => {
    const input = z.object({ n: z.number() }).refine(async (x) => x.n > 0, { message: 'must be positive' })
    expect(await parseSchedule(await compiled({ every: '1m', input: { n: 2 } }, input as never))).toMatchObject({ input: { n: 2 } })
    await expect(parseSchedule(await compiled({ every: '1m', input: { n: -1 } }, input as never))).rejects.toThrow(/input schema: \/ must be positive$/)
  })
})

describe('parseEvery: long intervals', () => {
  it('reads intervals longer than one timer can wait (they are chained when run)', () => {
    expect(parseEvery('30d')).toBe(2_592_000_000)
    expect(parseEvery('365d')).toBe(31_536_000_000)
    expect(parseEvery('30d')!).toBeGreaterThan(2 ** 31 - 1)
  })
})
