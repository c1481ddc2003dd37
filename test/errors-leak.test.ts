import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Type } from '@sinclair/typebox'
import { action, ActionError, ServalError } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { call, jobStatus, submit } from './support/jobs.ts'

// What a driver might throw: a 4xx statusCode and a message with a password in it.
const DB_URL = 'postgres://app:hunter2@db.internal:5432/prod'

const actions = [
  action({ name: 'driverRefuses' }, () => {
    throw Object.assign(new Error(`permission denied for ${DB_URL}`), { statusCode: 403 })
  }),
  action({ name: 'redisDown' }, () => {
    throw new ServalError('unavailable', { detail: 'Cannot reach Redis at redis://10.1.2.3:6379: ECONNREFUSED' })
  }),
  action({ name: 'chosen' }, () => {
    throw new ActionError(503, 'Try again after the nightly import')
  }),
  action({ name: 'badOutput', output: Type.Object({ n: Type.Integer() }) }, () => ({ n: 'secret-internal-value' }) as never),
  action({ name: 'badItem', output: Type.Object({ n: Type.Integer() }) }, async function* () {
    yield { n: 1 }
    yield { n: 'secret-internal-value' } as never
  }),
].map((a) => ({ action: a, exportName: a.def.name! }))

let t: TestServer
let dev: TestServer

beforeAll(async () => {
  t = await createTestServer({ actions })
  dev = await createTestServer({ actions }, { dev_mode: true })
})
afterAll(async () => {
  await t.close()
  await dev.close()
})

describe('outside dev mode, errors keep internals out', () => {
  it('an arbitrary error carrying a 4xx statusCode is a 500 with hidden detail, not its message', async () => {
    const res = await call(t, 'POST', '/actions/driver-refuses', {})
    expect(res.status).toBe(500)
    expect(res.body.type).toBe('urn:serval:problem:internal')
    expect(JSON.stringify(res.body)).not.toContain('hunter2')
  })

  it('a 503 from infrastructure gets a generic detail (no host); an ActionError 503 keeps its message', async () => {
    const res = await call(t, 'POST', '/actions/redis-down', {})
    expect(res.status).toBe(503)
    expect(res.body.detail).toBeTruthy()
    expect(JSON.stringify(res.body)).not.toContain('10.1.2.3')
    expect((await call(t, 'POST', '/actions/chosen', {})).body.detail).toBe('Try again after the nightly import')
  })

  it('a 503 because another process holds the data_dir names neither the path nor the pid', async () => {
    const second = await createTestServer({ actions }, { data_dir: t.app.settings.data_dir })
    try {
      const res = await call(second, 'POST', '/jobs/bad-output', {})
      expect(res.status).toBe(503)
      expect(JSON.stringify(res.body)).not.toContain(t.app.settings.data_dir)
      expect(JSON.stringify(res.body)).not.toContain(String(process.pid))
    } finally {
      await second.close()
    }
  })

  it("a job whose output fails its schema: neither the job nor its result shows the output's issues", async () => {
    const id = await submit(t, 'bad-output', {})
    const job = await jobStatus(t, id, 'failed')
    expect(job.error.type).toBe('urn:serval:problem:invalid-output')
    expect(job.error.outputIssues).toBeUndefined()
    const result = await call(t, 'GET', `/jobs/${id}/result`)
    expect(result.status).toBe(500)
    expect(JSON.stringify(result.body)).not.toContain('outputIssues')
  })

  it("a stream item that fails its schema: the error frame (SSE and NDJSON) shows no output issues", async () => {
    const sse = await (await t.fetch('/actions/bad-item', { method: 'POST' })).text()
    expect(sse).toContain('event: error')
    expect(sse).toContain('invalid-output')
    expect(sse).not.toContain('outputIssues')
    const ndjson = await (await t.fetch('/actions/bad-item', { method: 'POST', headers: { accept: 'application/x-ndjson' } })).text()
    expect(ndjson).toContain('invalid-output')
    expect(ndjson).not.toContain('outputIssues')
  })
})

describe('in dev mode, the details are there to debug with', () => {
  it('shows the real 503 detail and the output issues', async () => {
    expect((await call(dev, 'POST', '/actions/redis-down', {})).body.detail).toContain('10.1.2.3')
    const sse = await (await dev.fetch('/actions/bad-item', { method: 'POST' })).text()
    expect(sse).toContain('outputIssues')
    const id = await submit(dev, 'bad-output', {})
    expect((await jobStatus(dev, id, 'failed')).error.outputIssues).toBeDefined()
  })
})
