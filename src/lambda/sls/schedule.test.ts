import { describe, expect, it } from 'vitest'
import type { ParsedSchedule } from '../../schedules/parse.ts'
import { awsSchedule } from './schedule.ts'

const every = (text: string, ms: number): ParsedSchedule => ({ action: 'tick', kind: 'every', every: text, ms, input: {} })
const cron = (pattern: string, tz?: string): ParsedSchedule => ({ action: 'tick', kind: 'cron', cron: pattern, tz, input: {} })

describe('every → rate()', () => {
  it.each([
    ['1m', 60_000, 'rate(1 minute)'],
    ['5m', 300_000, 'rate(5 minutes)'],
    ['90m', 5_400_000, 'rate(90 minutes)'],
    ['1h', 3_600_000, 'rate(1 hour)'],
    ['2h', 7_200_000, 'rate(2 hours)'],
    ['1d', 86_400_000, 'rate(1 day)'],
    ['120s', 120_000, 'rate(2 minutes)'],
  ])('%s → %s', (text, ms, expected) => {
    expect(awsSchedule(every(text, ms))).toEqual({ expression: expected })
  })

  it.each([
    ['30s', 30_000, /under a minute/],
    ['500ms', 500, /under a minute/],
    ['90s', 90_000, /not a whole number of minutes/],
  ])('%s is an error naming the action', (text, ms, why) => {
    expect(() => awsSchedule(every(text, ms))).toThrow(/action "tick": schedule every/)
    expect(() => awsSchedule(every(text, ms))).toThrow(why)
  })
})

describe('cron → six-field AWS cron()', () => {
  it.each([
    ['*/5 * * * *', 'cron(*/5 * * * ? *)'],
    ['0 3 * * *', 'cron(0 3 * * ? *)'],
    ['0 12 1 * *', 'cron(0 12 1 * ? *)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
    ['0 9 * * 0,6', 'cron(0 9 ? * 1,7 *)'],
    ['0 9 * * 7', 'cron(0 9 ? * 1 *)'],
    ['0 9 * * 5#3', 'cron(0 9 ? * 6#3 *)'],
    ['0 9 * * mon-fri', 'cron(0 9 ? * MON-FRI *)'],
    ['0 0 * * * *', 'cron(0 * * * ? *)'],
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@weekly', 'cron(0 0 ? * 1 *)'],
  ])('%s → %s', (pattern, expected) => {
    expect(awsSchedule(cron(pattern)).expression).toBe(expected)
  })

  it('keeps the time zone (deployed with EventBridge Scheduler)', () => {
    expect(awsSchedule(cron('0 3 * * *', 'Europe/Paris'))).toEqual({ expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' })
  })

  it.each([
    ['*/10 * * * * *', /runs at seconds "\*\/10"/],
    ['30 0 * * * *', /runs at seconds "30"/],
    ['0 0 1 * 1', /both day-of-month and day-of-week/],
    ['0 0 * * */2', /steps the day-of-week/],
  ])('%s is an error naming the action', (pattern, why) => {
    expect(() => awsSchedule(cron(pattern))).toThrow(/action "tick": schedule cron/)
    expect(() => awsSchedule(cron(pattern))).toThrow(why)
  })
})
