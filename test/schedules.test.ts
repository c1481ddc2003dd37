import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { ROOT } from './support/cli.ts'
import { runServal } from './support/serval-process.ts'
import { eventually } from './support/redis.ts'
import { serverInfo } from '../src/http/system.ts'

const runs = { count: 0, running: 0, overlap: 0, triggers: new Set<string>() }
const slowTick = action({ name: 'slowTick', http: false, schedule: { every: '20ms' } }, async (_input, ctx) => {
  runs.count++
  runs.triggers.add(ctx.trigger)
  if (++runs.running > 1) runs.overlap++
  await sleep(60)
  runs.running--
})

let t: TestServer | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

describe('embedded schedules', () => {
  it('run in the serving process as trigger "schedule", never overlapping, and stop on close', async () => {
    Object.assign(runs, { count: 0, running: 0, overlap: 0 })
    t = await createTestServer({ actions: [{ action: slowTick, exportName: 'slowTick' }] })
    await eventually(() => (runs.count >= 3 ? true : undefined), 'three runs', 5000)
    expect(runs.overlap).toBe(0)
    expect([...runs.triggers]).toEqual(['schedule'])
    const info = serverInfo(t.app, { internals: true }) as { schedules?: { action: string; every: string; mode: string; nextRun: string }[] }
    expect(info.schedules).toEqual([{ action: 'slowTick', every: '20ms', mode: 'embedded', nextRun: expect.any(String) }])
    await t.close()
    t = undefined
    const after = runs.count
    await sleep(150)
    expect(runs.count - after).toBeLessThanOrEqual(1) // at most the run in flight at close
  })

  it('do not run in a process with workers=0', async () => {
    runs.count = 0
    t = await createTestServer({ actions: [{ action: slowTick, exportName: 'slowTick' }] }, { workers: 0 })
    await sleep(120)
    expect(runs.count).toBe(0)
    const info = serverInfo(t.app, { internals: true }) as { schedules?: { mode: string }[] }
    expect(info.schedules?.[0]!.mode).toBe('off')
  })

  it('fail at startup naming the action when a schedule is invalid', async () => {
    const bad = action({ name: 'broken', schedule: { cron: 'not a cron' } }, () => undefined)
    await expect(createTestServer({ actions: [{ action: bad, exportName: 'broken' }] })).rejects.toThrow(/action "broken".*schedule cron "not a cron" is not a valid pattern/)
  })

  // A process of its own: on a loaded machine its start alone can exceed the mutate set's 5 s test timeout.
  it('make `serval serve` exit non-zero naming the action and its file when a schedule is invalid', { timeout: 30_000 }, async () => {
    const cli = await runServal(['serve', join(ROOT, 'test/fixtures/bad-schedule'), '--port', '0'])
    expect(cli.code).not.toBe(0)
    expect(cli.stderr).toMatch(/action "badlyScheduled" \(in .*bad\.ts\): schedule every must be an interval like/)
  })
})
