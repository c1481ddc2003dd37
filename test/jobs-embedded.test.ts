import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { call, gate, jobStatus, submit } from './support/jobs.ts'

// Handlers that ignore ctx.signal and only end when the test opens their gate.
const stubborn = { gate: gate<void>(), running: 0, maxRunning: 0, started: 0 }
async function ignoreSignal(): Promise<string> {
  stubborn.started++
  stubborn.maxRunning = Math.max(stubborn.maxRunning, ++stubborn.running)
  await stubborn.gate.promise
  stubborn.running--
  return 'done at last'
}

const actions = [
  action({ name: 'timesOut', job: { concurrency: 1, timeoutMs: 30 } }, ignoreSignal),
  action({ name: 'ignoresCancel', job: { concurrency: 1 } }, ignoreSignal),
].map((a) => ({ action: a, exportName: a.def.name! }))

let t: TestServer
beforeAll(async () => {
  t = await createTestServer({ actions }, { workers: 4 })
})
afterAll(() => t.close())

function reset(): void {
  stubborn.gate.open()
  Object.assign(stubborn, { gate: gate<void>(), running: 0, maxRunning: 0, started: 0 })
}

describe('embedded concurrency', () => {
  it('holds the slot of a timed-out run until its handler settles (concurrency 1 never gives 2 runs at once)', async () => {
    reset()
    const first = await submit(t, 'times-out', {})
    const second = await submit(t, 'times-out', {})
    expect((await jobStatus(t, first, 'failed')).error).toMatchObject({ status: 504 })
    // The first handler still runs: the second must wait for it, not for the first's timeout.
    expect((await call(t, 'GET', `/jobs/${second}`)).body.status).toBe('queued')
    expect(stubborn.started).toBe(1)
    stubborn.gate.open()
    await jobStatus(t, second, 'succeeded') // the gate is open: its own handler returns at once
    expect(stubborn.started).toBe(2)
    expect(stubborn.maxRunning).toBe(1)
  })

  it('holds the slot of a cancelled run until its handler settles', async () => {
    reset()
    const first = await submit(t, 'ignores-cancel', {})
    await jobStatus(t, first, 'running')
    const second = await submit(t, 'ignores-cancel', {})
    expect((await call(t, 'DELETE', `/jobs/${first}`)).body.status).toBe('cancelled')
    expect((await call(t, 'GET', `/jobs/${second}`)).body.status).toBe('queued')
    expect(stubborn.started).toBe(1)
    stubborn.gate.open()
    await jobStatus(t, second, 'succeeded')
    expect(stubborn.maxRunning).toBe(1)
  })
})
