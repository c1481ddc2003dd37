import { ServalError } from '../../errors/index.ts'
import type { ParsedSchedule } from '../../schedules/parse.ts'

/** A schedule in EventBridge's terms: `rate(…)` or six-field `cron(…)`, and a time zone (EventBridge Scheduler only). */
export interface AwsSchedule {
  readonly expression: string
  readonly timezone?: string
}

const MINUTE = 60_000
const UNITS: [number, string][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [MINUTE, 'minute'],
]
const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

/**
 * An action's checked schedule as EventBridge writes it. `every` becomes
 * `rate(5 minutes)` (singular for one); a cron pattern becomes AWS's
 * six-field form with `?` in day-of-month or day-of-week, and its days of
 * the week counted from 1 (Sunday). Under a minute, or what AWS cannot
 * express, throws naming the action.
 *
 * @example
 * ```ts
 * awsSchedule({ action: 'tick', kind: 'every', every: '5m', ms: 300_000, input: {} }).expression // 'rate(5 minutes)'
 * ```
 */
export function awsSchedule(s: ParsedSchedule): AwsSchedule {
  if (s.kind === 'every') return { expression: rate(s.action, s.every, s.ms) }
  return { expression: `cron(${awsCron(s.action, s.cron)})`, ...(s.tz ? { timezone: s.tz } : {}) }
}

function rate(action: string, every: string, ms: number): string {
  if (ms < MINUTE) throw unsupported(action, `every "${every}" is under a minute; EventBridge runs a schedule at most once a minute`)
  if (ms % MINUTE !== 0) throw unsupported(action, `every "${every}" is not a whole number of minutes, which is all rate() can say`)
  const [size, unit] = UNITS.find(([size]) => ms % size === 0)!
  const n = ms / size
  return `rate(${n} ${unit}${n === 1 ? '' : 's'})`
}

function awsCron(action: string, pattern: string): string {
  const fields = (NICKNAMES[pattern.trim().toLowerCase()] ?? pattern).trim().split(/\s+/)
  if (fields.length === 6) {
    const seconds = fields.shift()!
    if (!/^0+$/.test(seconds)) throw unsupported(action, `cron "${pattern}" runs at seconds "${seconds}"; EventBridge runs a schedule at most once a minute, on the minute`)
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string]
  const anyDom = dom === '*' || dom === '?'
  const anyDow = dow === '*' || dow === '?'
  if (!anyDom && !anyDow) throw unsupported(action, `cron "${pattern}" restricts both day-of-month and day-of-week, which AWS cron cannot combine`)
  const days = anyDow ? [anyDom ? '*' : dom, '?'] : ['?', awsDaysOfWeek(action, pattern, dow)]
  return [minute, hour, days[0], month, days[1], '*'].join(' ')
}

/** Cron counts Sunday as 0 (or 7), AWS as 1: shift every number; names stay. */
function awsDaysOfWeek(action: string, pattern: string, field: string): string {
  if (field.includes('/')) throw unsupported(action, `cron "${pattern}" steps the day-of-week ("${field}"), which AWS cron cannot`)
  return field.replace(/\d+/g, (n, offset: number, whole: string) => (whole[offset - 1] === '#' ? n : String((Number(n) % 7) + 1))).toUpperCase()
}

function unsupported(action: string, what: string): ServalError {
  return new ServalError('bad-request', { title: 'Schedule not deployable', detail: `action "${action}": schedule ${what}` })
}
