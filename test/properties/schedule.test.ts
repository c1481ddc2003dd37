import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { action, buildRegistry } from 'serval'
import { parseEvery, parseSchedule } from '../../src/schedules/parse.ts'

/** Property tests of `every` intervals and cron patterns, as checked at startup. */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const unit = fc.constantFrom(...(Object.keys(UNIT_MS) as (keyof typeof UNIT_MS)[]))
const part = fc.tuple(fc.integer({ min: 0, max: 1000 }), unit)

async function scheduleOf(schedule: unknown) {
  const a = action({ name: 'tick', schedule: schedule as never }, () => undefined)
  const compiled = (await buildRegistry([{ action: a, exportName: 'tick' }])).get('tick')!
  return parseSchedule(compiled)
}

describe('every (properties)', () => {
  it('any sequence of amounts and units is their sum in ms, whatever the case and spacing', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), fc.boolean(), (parts, loose) => {
        const text = parts.map(([n, u]) => (loose ? ` ${n} ${u.toUpperCase()} ` : `${n}${u}`)).join('')
        const ms = parts.reduce((sum, [n, u]) => sum + n * UNIT_MS[u], 0)
        expect(parseEvery(text)).toBe(ms >= 1 ? ms : undefined)
      }),
    )
  })

  it('decimal amounts round to whole milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 999 }), unit, (whole, frac, u) => {
        const text = `${whole}.${String(frac).padStart(3, '0')}${u}`
        expect(parseEvery(text)).toBe(Math.round(Number(`${whole}.${String(frac).padStart(3, '0')}`) * UNIT_MS[u]))
      }),
    )
  })

  it('text outside the grammar is never an interval', () => {
    const grammar = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!grammar.test(text.replace(/\s+/g, '').toLowerCase()))
        expect(parseEvery(text)).toBeUndefined()
      }),
    )
  })

  it('a schedule with a bad every fails at startup, naming the action and the text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 10 }).filter((t) => parseEvery(t) === undefined), async (text) => {
        await expect(scheduleOf({ every: text })).rejects.toMatchObject({
          status: 400,
          title: 'Invalid schedule',
          detail: expect.stringContaining(`action "tick": schedule every must be an interval`),
        })
      }),
      { numRuns: 50 },
    )
  })
})

// Fields of a 5-part cron pattern, each within its range (day of month ≤ 28 so every month has it).
const FIELDS = [
  [0, 59],
  [0, 23],
  [1, 28],
  [1, 12],
  [0, 6],
] as const
const field = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.integer({ min: 1, max: max - min }).map((n) => `*/${n}`),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
  )
const pattern = fc.tuple(...FIELDS.map(([min, max]) => field(min, max))).map((parts) => parts.join(' '))

// The first value each field refuses (day of month 29–31 and weekday 7 = Sunday are valid).
const FIRST_INVALID = [60, 24, 32, 13, 8] as const

describe('cron (properties)', () => {
  it('any pattern whose fields are in range is accepted, with or without a time zone', async () => {
    await fc.assert(
      fc.asyncProperty(pattern, fc.constantFrom(undefined, 'UTC', 'Europe/Paris', 'America/New_York'), async (cron, tz) => {
        const parsed = await scheduleOf(tz ? { cron, tz } : { cron })
        expect(parsed).toMatchObject({ action: 'tick', kind: 'cron', cron, tz })
      }),
      { numRuns: 60 },
    )
  })

  it('a field out of its range is refused at startup, naming the action and the pattern', async () => {
    const outOfRange = fc.integer({ min: 0, max: 4 }).chain((i) =>
      fc.tuple(pattern, fc.constant(i), fc.integer({ min: FIRST_INVALID[i]!, max: 99 })).map(([p, at, value]) => {
        const parts = p.split(' ')
        parts[at] = String(value)
        return parts.join(' ')
      }),
    )
    await fc.assert(
      fc.asyncProperty(outOfRange, async (cron) => {
        await expect(scheduleOf({ cron })).rejects.toMatchObject({
          title: 'Invalid schedule',
          detail: expect.stringContaining(`action "tick": schedule cron "${cron}" is not a valid pattern`),
        })
      }),
      { numRuns: 40 },
    )
  })
})
