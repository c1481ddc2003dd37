import { describe, expect, it } from 'vitest'
import { SYSTEM_OWNER } from '../jobs/owner.ts'
import { toScheduleSpecs } from './redis.ts'

describe('toScheduleSpecs (what BullMQ job schedulers are given)', () => {
  it('hands over the interval in ms, or the cron pattern with its time zone, the input, and the system as owner', () => {
    const specs = toScheduleSpecs([
      { action: 'cleanup', kind: 'every', every: '30s', ms: 30_000, input: { older: 7 } },
      { action: 'report', kind: 'cron', cron: '0 12 * * *', tz: 'Asia/Tokyo', input: {} },
      { action: 'utc', kind: 'cron', cron: '*/5 * * * *', tz: undefined, input: {} },
    ])
    expect(specs).toStrictEqual([
      { action: 'cleanup', repeat: { every: 30_000 }, input: { older: 7 }, principal: SYSTEM_OWNER },
      { action: 'report', repeat: { pattern: '0 12 * * *', tz: 'Asia/Tokyo' }, input: {}, principal: SYSTEM_OWNER },
      { action: 'utc', repeat: { pattern: '*/5 * * * *' }, input: {}, principal: SYSTEM_OWNER },
    ])
  })
})
