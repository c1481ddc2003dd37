import { afterEach, describe, expect, it, vi } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { gate } from './support/jobs.ts'
import { eventually } from './support/redis.ts'
import { serverInfo } from '../src/http/system.ts'

const DAY = 86_400_000
const counts = { clock: 0, monthly: 0, daily: 0, stubborn: 0, cron: 0 }
let release = gate<void>()
const clock = action({ name: 'clock', http: false, schedule: { every: '20ms' } }, () => void counts.clock++)
const monthly = action({ name: 'monthly', http: false, schedule: { every: '30d' } }, () => void counts.monthly++)
const daily = action({ name: 'daily', http: false, schedule: { every: '1d' } }, () => void counts.daily++)
const tokyoNoon = action({ name: 'tokyoNoon', http: false, schedule: { cron: '0 12 * * *', tz: 'Asia/Tokyo' } }, () => undefined)
const stubborn = action({ name: 'stubborn', http: false, schedule: { every: '20ms' }, job: { timeoutMs: 10 } }, async () => {
  counts.stubborn++
  await release.promise // ignores its signal: runs on past its timeout
})
const failing = action({ name: 'failing', http: false, schedule: { every: '20ms' } }, () => {
  throw new Error('the disk is full')
})
const everySecond = action({ name: 'everySecond', http: false, schedule: { cron: '* * * * * *' } }, () => void counts.cron++)
const entries = (...actions: ReturnType<typeof action>[]) => ({ actions: actions.map((a) => ({ action: a, exportName: a.def.name! })) })

let t: TestServer | undefined
let dir: string | undefined
afterEach(async () => {
  release.open()
  await t?.close()
  t = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

function dataDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'serval-schedules-'))
  return dir
}

const nextRunsFile = (d: string) => join(d, 'schedules', 'next-runs.json')

async function nextRunOf(server: TestServer, name: string): Promise<number> {
  const info = serverInfo(server.app, { internals: true }) as { schedules: { action: string; nextRun?: string }[] }
  return Date.parse(info.schedules.find((s) => s.action === name)!.nextRun!)
}

describe('embedded schedules: long intervals and restarts', () => {
  it("runs a 30-day schedule once a month, not every millisecond (a timer's 2^31-1 ms limit)", async () => {
    Object.assign(counts, { clock: 0, monthly: 0 })
    t = await createTestServer(entries(clock, monthly), { data_dir: dataDir() })
    await eventually(() => (counts.clock >= 5 ? true : undefined), 'five ticks of the 20 ms clock', 5000)
    expect(counts.monthly).toBe(0)
    expect(await nextRunOf(t, 'monthly')).toBeGreaterThan(Date.now() + 29 * DAY)
  })

  it('keeps the next run of an `every` schedule across restarts, so a daily schedule on a service restarted daily still runs', async () => {
    const d = dataDir()
    t = await createTestServer(entries(daily), { data_dir: d })
    const planned = await nextRunOf(t, 'daily')
    await t.close()
    expect(JSON.parse(readFileSync(nextRunsFile(d), 'utf8'))).toEqual({ daily: planned })
    t = await createTestServer(entries(daily), { data_dir: d })
    expect(await nextRunOf(t, 'daily')).toBe(planned) // not pushed back to restart + 1 day
    await t.close()

    // A day later, the service restarts again: the run that was due happens at once.
    counts.daily = 0
    writeFileSync(nextRunsFile(d), JSON.stringify({ daily: Date.now() - 60_000 }))
    t = await createTestServer(entries(daily), { data_dir: d })
    await eventually(() => (counts.daily === 1 ? true : undefined), 'the overdue daily run', 5000)
    expect(await nextRunOf(t, 'daily')).toBeGreaterThan(Date.now() + DAY - 120_000)
    expect(counts.daily).toBe(1)
  })

  it('runs a schedule overdue by several intervals once, not once per missed interval, then plans one interval from now', async () => {
    const d = dataDir()
    counts.daily = 0
    mkdirSync(join(d, 'schedules'), { recursive: true })
    writeFileSync(nextRunsFile(d), JSON.stringify({ daily: Date.now() - 3 * DAY })) // the service was down for three days
    t = await createTestServer(entries(daily), { data_dir: d })
    await eventually(() => (counts.daily === 1 ? true : undefined), 'the overdue daily run', 5000)
    const next = await nextRunOf(t, 'daily')
    expect(next).toBeGreaterThan(Date.now() + DAY - 60_000)
    expect(JSON.parse(readFileSync(nextRunsFile(d), 'utf8'))).toEqual({ daily: next })
    expect(counts.daily).toBe(1)
  })

  it('reads a missing or unreadable next-runs file as empty, and never plans further than one interval', async () => {
    const d = dataDir()
    mkdirSync(join(d, 'schedules'), { recursive: true })
    writeFileSync(nextRunsFile(d), '{not json')
    t = await createTestServer(entries(daily), { data_dir: d })
    const next = await nextRunOf(t, 'daily')
    expect(next).toBeLessThanOrEqual(Date.now() + DAY)
    expect(next).toBeGreaterThan(Date.now() + DAY - 60_000)
    await t.close()
    writeFileSync(nextRunsFile(d), JSON.stringify({ daily: Date.now() + 365 * DAY })) // from a deploy where it was "every 1y"
    t = await createTestServer(entries(daily), { data_dir: d })
    expect(await nextRunOf(t, 'daily')).toBeLessThanOrEqual(Date.now() + DAY)
  })

  it('does not start a tick while the previous handler runs on past its timeout', async () => {
    Object.assign(counts, { clock: 0, stubborn: 0 })
    release = gate()
    t = await createTestServer(entries(clock, stubborn), { data_dir: dataDir() })
    const debug = vi.spyOn(t.app.logger, 'debug')
    await eventually(() => (counts.stubborn >= 1 ? true : undefined), 'the first stubborn run', 5000)
    const clockAt = counts.clock
    await eventually(() => (counts.clock >= clockAt + 5 ? true : undefined), 'five more clock ticks (past the 10 ms timeout)', 5000)
    expect(counts.stubborn).toBe(1)
    expect(debug).toHaveBeenCalledWith({ action: 'stubborn' }, 'schedule tick skipped: the previous run is still running')
    release.open()
    await eventually(() => (counts.stubborn >= 2 ? true : undefined), 'the next run once the handler settled', 5000)
  })

  it("plans a cron schedule in its time zone: noon in Tokyo is 03:00 UTC", async () => {
    t = await createTestServer(entries(tokyoNoon), { data_dir: dataDir() })
    const next = new Date(await nextRunOf(t, 'tokyoNoon'))
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([3, 0])
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(DAY)
    const info = serverInfo(t.app, { internals: true }) as { schedules: unknown[] }
    expect(info.schedules).toEqual([{ action: 'tokyoNoon', cron: '0 12 * * *', tz: 'Asia/Tokyo', mode: 'embedded', nextRun: next.toISOString() }])
  })

  it('logs a failed run as a warning naming the action and the problem, and runs again at the next tick', async () => {
    t = await createTestServer(entries(failing), { data_dir: dataDir() })
    const warn = vi.spyOn(t.app.logger, 'warn')
    await eventually(() => (warn.mock.calls.length >= 2 ? true : undefined), 'two failed runs logged', 5000)
    const [fields, message] = warn.mock.calls[0] as unknown as [{ action: string; id: string; problem: { status: number } }, string]
    expect(fields).toMatchObject({ action: 'failing', id: expect.stringMatching(/^schedule-failing-\d+$/), problem: { status: 500 } })
    expect(message).toMatch(/^scheduled run failed: /)
  })

  it('runs a cron schedule (a six-part pattern: every second)', async () => {
    counts.cron = 0
    t = await createTestServer(entries(everySecond), { data_dir: dataDir() })
    await eventually(() => (counts.cron >= 1 ? true : undefined), 'a run of the every-second cron', 5000)
  })

  it('ignores a next-runs entry that is not a time, and plans one interval from now', async () => {
    const d = dataDir()
    counts.daily = 0
    mkdirSync(join(d, 'schedules'), { recursive: true })
    writeFileSync(nextRunsFile(d), JSON.stringify({ daily: 'soon' }))
    t = await createTestServer(entries(daily), { data_dir: d })
    const next = await nextRunOf(t, 'daily')
    expect(next).toBeGreaterThan(Date.now() + DAY - 60_000)
    expect(counts.daily).toBe(0)
  })
})
