import { Cron } from 'croner'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'

/** A checked schedule: an interval in ms or a cron pattern, and the input each tick runs with. */
export type ParsedSchedule =
  | { readonly action: string; readonly kind: 'every'; readonly every: string; readonly ms: number; readonly input: unknown }
  | { readonly action: string; readonly kind: 'cron'; readonly cron: string; readonly tz: string | undefined; readonly input: unknown }

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const KEYS = new Set(['every', 'cron', 'tz', 'input'])

/**
 * Milliseconds of an interval: `'500ms'`, `'30s'`, `'5m'`, `'1h30m'`,
 * `'1d'`; undefined for anything else.
 *
 * @example
 * ```ts
 * parseEvery('1h30m') // 5_400_000
 * ```
 */
export function parseEvery(text: string): number | undefined {
  const compact = text.replace(/\s+/g, '').toLowerCase()
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(compact)) return undefined
  let ms = 0
  for (const [, n, unit] of compact.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(n) * UNITS[unit!]!
  return ms >= 1 && Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined
}

/**
 * Checks an action's `schedule` once, at startup: one of `every` or
 * `cron`, a valid interval, pattern and time zone, and an `input` the
 * action's schema accepts. A bad one throws, naming the action.
 *
 * @example
 * ```ts
 * await parseSchedule(registry.get('cleanup')!) // { kind: 'every', ms: 30000, … }
 * ```
 */
export async function parseSchedule(action: CompiledAction): Promise<ParsedSchedule | undefined> {
  const schedule = action.def.schedule as Record<string, unknown> | undefined
  if (schedule === undefined) return undefined
  const bad = (what: string): never => {
    throw new ServalError('bad-request', { title: 'Invalid schedule', detail: `action "${action.name}"${action.file ? ` (in ${action.file})` : ''}: schedule ${what}` })
  }
  if (schedule === null || typeof schedule !== 'object') return bad('must be an object: { every: "30s" } or { cron: "*/5 * * * *" }')
  for (const key of Object.keys(schedule)) if (!KEYS.has(key)) bad(`has an unknown key "${key}" (use every, or cron and tz, and input)`)
  if (('every' in schedule) === ('cron' in schedule)) bad('needs exactly one of "every" or "cron"')
  const input = await checkInput(action, schedule.input, bad)
  if ('every' in schedule) return { action: action.name, kind: 'every', ...every(schedule, bad), input }
  return { action: action.name, kind: 'cron', ...cron(schedule, bad), input }
}

function every(schedule: Record<string, unknown>, bad: (what: string) => never): { every: string; ms: number } {
  if ('tz' in schedule) bad('"tz" applies to cron schedules only')
  const text = schedule.every
  const ms = typeof text === 'string' ? parseEvery(text) : undefined
  if (ms === undefined) bad(`every must be an interval like "500ms", "30s", "5m", "1h30m" or "1d", got ${JSON.stringify(text)}`)
  return { every: text as string, ms: ms! }
}

function cron(schedule: Record<string, unknown>, bad: (what: string) => never): { cron: string; tz: string | undefined } {
  const pattern = schedule.cron
  const tz = schedule.tz
  if (typeof pattern !== 'string') return bad(`cron must be a pattern like "*/5 * * * *", got ${JSON.stringify(pattern)}`)
  if (tz !== undefined && (typeof tz !== 'string' || !isTimeZone(tz))) bad(`tz must be an IANA time zone like "Europe/Paris", got ${JSON.stringify(tz)}`)
  try {
    const job = new Cron(pattern, { paused: true, mode: '5-or-6-parts', ...(tz ? { timezone: tz as string } : {}) })
    const next = job.nextRun()
    job.stop()
    if (!next) bad(`cron "${pattern}" never runs`)
  } catch (error) {
    if (error instanceof ServalError) throw error
    bad(`cron "${pattern}" is not a valid pattern: ${(error as Error).message}`)
  }
  return { cron: pattern, tz: tz as string | undefined }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

async function checkInput(action: CompiledAction, raw: unknown, bad: (what: string) => never): Promise<unknown> {
  const input = raw === undefined ? {} : raw
  let checked = action.input.validate(input)
  if (checked instanceof Promise) checked = await checked
  if (!checked.ok) bad(`input does not match the action's input schema: ${checked.issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`)
  return input
}

/**
 * How a schedule reads in `/_sys/info` and logs.
 *
 * @example
 * ```ts
 * describeSchedule(s) // { action: 'cleanup', every: '30s' }
 * ```
 */
export function describeSchedule(s: ParsedSchedule): Record<string, unknown> {
  return s.kind === 'every' ? { action: s.action, every: s.every } : { action: s.action, cron: s.cron, ...(s.tz ? { tz: s.tz } : {}) }
}
