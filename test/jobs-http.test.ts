import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { Type } from '@sinclair/typebox'
import { action, ActionError } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { call, gate, jobStatus, jobWhere, submit } from './support/jobs.ts'
import { eventually } from './support/redis.ts'
import { serverInfo } from '../src/http/system.ts'

// Handlers the tests hold open and release.
const held = { gate: gate<void>(), started: gate<void>(), aborted: gate<unknown>() }
const counters = { flaky: 0, running: 0, maxRunning: 0, blockerRuns: 0 }

const actions = [
  action(
    {
      name: 'resize',
      input: Type.Object({ width: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      output: Type.Object({ width: Type.Integer() }),
    },
    async ({ width }, ctx) => {
      ctx.progress(0.5, 'half way')
      held.started.open()
      await held.gate.promise
      return { width, secret: 'dropped by the output schema' } as { width: number }
    },
  ),
  action({ name: 'waitForCancel' }, async (_input, ctx) => {
    held.started.open()
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))
    held.aborted.open(ctx.signal.reason)
    return 'ignored after cancel'
  }),
  action({ name: 'teapot' }, () => {
    throw new ActionError(418, 'I am a teapot', { brew: 'tea' })
  }),
  action({ name: 'boom' }, () => {
    throw new Error('database password is hunter2')
  }),
  action({ name: 'flaky', job: { retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 5 } } } }, () => {
    if (++counters.flaky < 3) throw new Error(`run ${counters.flaky} failed`)
    return { runs: counters.flaky }
  }),
  action({ name: 'stuck', job: { timeoutMs: 50 } }, () => new Promise(() => undefined)),
  action({ name: 'nothing' }, () => undefined),
  action({ name: 'items', output: Type.Object({ n: Type.Integer() }) }, async function* () {
    yield { n: 1, extra: true } as { n: number }
    yield { n: 2 }
  }),
  action({ name: 'oneAtATime', job: { concurrency: 1 } }, async () => {
    counters.maxRunning = Math.max(counters.maxRunning, ++counters.running)
    await sleep(20)
    counters.running--
    return counters.maxRunning
  }),
  action({ name: 'shortLived', job: { retentionS: 0.2 } }, () => 'soon gone'),
  action({ name: 'blocker', job: { concurrency: 1 } }, async () => {
    counters.blockerRuns++
    await held.gate.promise
  }),
  action({ name: 'offHttp', http: false }, () => 'no'),
].map((a) => ({ action: a, exportName: a.def.name! }))

let t: TestServer

beforeAll(async () => {
  t = await createTestServer({ actions }, { workers: 4 })
})
afterAll(() => t.close())

describe('POST /jobs/{kebab-name}', () => {
  it('answers 202 with Location and the job, and runs it through the pipeline', async () => {
    held.gate = gate()
    held.started = gate()
    const res = await call(t, 'POST', '/jobs/resize', { width: 3 })
    expect(res.status).toBe(202)
    expect(res.headers.get('location')).toBe(`/jobs/${res.body.id}`)
    expect(res.body).toMatchObject({ action: 'resize', status: 'queued', links: { self: `/jobs/${res.body.id}`, result: `/jobs/${res.body.id}/result` } })
    expect(Date.parse(res.body.createdAt)).not.toBeNaN()
    await held.started.promise
    const running = await jobWhere(t, res.body.id, (j) => j.progress?.fraction === 0.5, 'to report progress')
    expect(running).toMatchObject({ status: 'running', attempts: 1, progress: { fraction: 0.5, message: 'half way' } })
    expect(Date.parse(running.startedAt)).not.toBeNaN()
    const early = await call(t, 'GET', `/jobs/${res.body.id}/result`)
    expect(early.status).toBe(409)
    expect(early.headers.get('retry-after')).toBe('1')
    expect(early.body).toMatchObject({ type: 'urn:serval:problem:job-not-finished', jobStatus: 'running' })
    held.gate.open()
    const done = await jobStatus(t, res.body.id, 'succeeded')
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt))
    const result = await call(t, 'GET', `/jobs/${res.body.id}/result`)
    expect(result).toMatchObject({ status: 200, body: { width: 3 } })
    expect(result.body).not.toHaveProperty('secret')
  })

  it('validates before queueing: a 422 never becomes a job', async () => {
    const before = (await call(t, 'GET', '/jobs?action=resize&limit=100')).body.items.length
    const bad = await call(t, 'POST', '/jobs/resize', { width: 'wide', extra: 1 })
    expect(bad.status).toBe(422)
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/extra', '/width'])
    expect((await call(t, 'GET', '/jobs?action=resize&limit=100')).body.items).toHaveLength(before)
  })

  it('answers 404 for an unknown action or one kept off HTTP, 405 for other methods, 415 for a non-JSON body', async () => {
    expect((await call(t, 'POST', '/jobs/no-such-action', {})).status).toBe(404)
    expect((await call(t, 'POST', '/jobs/off-http', {})).status).toBe(404)
    const put = await call(t, 'PUT', '/jobs/resize', {})
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, POST, DELETE, HEAD')
    expect((await call(t, 'POST', '/jobs', {})).status).toBe(405)
    const text = await fetch(`${t.url}/jobs/resize`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'width=3' })
    expect(text.status).toBe(415)
  })

  it('takes the kebab-name or the action name', async () => {
    const id = await submit(t, 'one-at-a-time', {})
    expect((await jobStatus(t, id, 'succeeded')).action).toBe('oneAtATime')
  })
})

describe('GET /jobs/{id}/result', () => {
  it("answers the job's problem when it failed: an ActionError keeps its status and details", async () => {
    const id = await submit(t, 'teapot', {})
    const job = await jobStatus(t, id, 'failed')
    expect(job.error).toMatchObject({ status: 418, title: 'I am a teapot', details: { brew: 'tea' } })
    expect(job.attempts).toBe(1)
    const res = await call(t, 'GET', `/jobs/${id}/result`)
    expect(res.status).toBe(418)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(res.body).toMatchObject({ type: 'urn:serval:problem:action-error', instance: `/jobs/${id}/result`, jobId: id })
  })

  it('hides an unexpected error outside dev mode, as the HTTP route does', async () => {
    const id = await submit(t, 'boom', {})
    const job = await jobStatus(t, id, 'failed')
    expect(job.error).toMatchObject({ status: 500, type: 'urn:serval:problem:internal' })
    expect(JSON.stringify(job)).not.toContain('hunter2')
  })

  it('answers 204 for a void output and a JSON array for a stream', async () => {
    const nothing = await submit(t, 'nothing', {})
    await jobStatus(t, nothing, 'succeeded')
    expect((await call(t, 'GET', `/jobs/${nothing}/result`)).status).toBe(204)
    const items = await submit(t, 'items', {})
    await jobStatus(t, items, 'succeeded')
    expect((await call(t, 'GET', `/jobs/${items}/result`)).body).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('answers 404 for an unknown job', async () => {
    expect((await call(t, 'GET', '/jobs/nope/result')).status).toBe(404)
    expect((await call(t, 'GET', '/jobs/nope')).status).toBe(404)
  })
})

describe('job options', () => {
  it('retries with backoff until an attempt succeeds', async () => {
    const id = await submit(t, 'flaky', {})
    const job = await jobStatus(t, id, 'succeeded')
    expect(job).toMatchObject({ attempts: 3, maxAttempts: 3 })
    expect(job).not.toHaveProperty('error')
    expect((await call(t, 'GET', `/jobs/${id}/result`)).body).toEqual({ runs: 3 })
  })

  it('fails a run that passes timeoutMs, even when the handler ignores its signal', async () => {
    const id = await submit(t, 'stuck', {})
    const job = await jobStatus(t, id, 'failed')
    expect(job.error).toMatchObject({ status: 504, type: 'urn:serval:problem:timeout' })
  })

  it('runs no more than `concurrency` of an action at once', async () => {
    counters.maxRunning = 0
    const ids = await Promise.all([1, 2, 3, 4].map(() => submit(t, 'oneAtATime', {})))
    for (const id of ids) await jobStatus(t, id, 'succeeded')
    expect(counters.maxRunning).toBe(1)
  })

  it('removes a finished job once its retention has passed', async () => {
    const id = await submit(t, 'shortLived', {})
    await jobStatus(t, id, 'succeeded')
    await eventually(async () => ((await call(t, 'GET', `/jobs/${id}`)).status === 404 ? true : undefined), 'the job to be removed', 5000)
  })
})

describe('DELETE /jobs/{id}', () => {
  it("cancels a running job: the handler's ctx.signal fires and the result is a job-cancelled problem", async () => {
    held.started = gate()
    held.aborted = gate()
    const id = await submit(t, 'waitForCancel', {})
    await held.started.promise
    const res = await call(t, 'DELETE', `/jobs/${id}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'cancelled', error: { type: 'urn:serval:problem:job-cancelled' } })
    expect(await held.aborted.promise).toMatchObject({ code: 'job-cancelled' })
    const result = await call(t, 'GET', `/jobs/${id}/result`)
    expect(result).toMatchObject({ status: 409, body: { type: 'urn:serval:problem:job-cancelled' } })
    expect((await call(t, 'DELETE', `/jobs/${id}`)).status).toBe(200)
  })

  it('cancels a queued job: it never runs', async () => {
    held.gate = gate()
    counters.blockerRuns = 0
    const first = await submit(t, 'blocker', {})
    await jobStatus(t, first, 'running')
    const queued = await submit(t, 'blocker', {}) // concurrency 1: waits behind the first
    expect((await call(t, 'GET', `/jobs/${queued}`)).body.status).toBe('queued')
    const res = await call(t, 'DELETE', `/jobs/${queued}`)
    expect(res).toMatchObject({ status: 200, body: { status: 'cancelled', attempts: 0 } })
    held.gate.open()
    await jobStatus(t, first, 'succeeded')
    expect(counters.blockerRuns).toBe(1)
    expect((await call(t, 'GET', `/jobs/${queued}`)).body.status).toBe('cancelled')
  })

  it('refuses to cancel a finished job (409 job-finished) and an unknown one (404)', async () => {
    const id = await submit(t, 'nothing', {})
    await jobStatus(t, id, 'succeeded')
    const res = await call(t, 'DELETE', `/jobs/${id}`)
    expect(res).toMatchObject({ status: 409, body: { type: 'urn:serval:problem:job-finished', jobStatus: 'succeeded' } })
    expect((await call(t, 'DELETE', '/jobs/nope')).status).toBe(404)
  })
})

describe('GET /jobs', () => {
  it('filters by action and status, newest first, paginated with a next link', async () => {
    const ids = [await submit(t, 'nothing', {}), await submit(t, 'nothing', {}), await submit(t, 'nothing', {})]
    for (const id of ids) await jobStatus(t, id, 'succeeded')
    const page1 = await call(t, 'GET', '/jobs?action=nothing&status=succeeded&limit=2')
    expect(page1.status).toBe(200)
    expect(page1.body.items).toHaveLength(2)
    expect(page1.body.items[0].id).toBe(ids[2])
    expect(page1.body.items.every((j: { action: string; status: string }) => j.action === 'nothing' && j.status === 'succeeded')).toBe(true)
    expect(page1.body.next).toBe('/jobs?action=nothing&status=succeeded&limit=2&offset=2')
    const page2 = await call(t, 'GET', page1.body.next)
    expect(page2.body.items[0].id).toBe(ids[0])
    expect((await call(t, 'GET', '/jobs?action=teapot&status=queued')).body.items).toEqual([])
  })

  it('answers 422 naming every bad parameter', async () => {
    const res = await call(t, 'GET', '/jobs?status=done&limit=0&action=nope&colour=red')
    expect(res.status).toBe(422)
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/action', '/colour', '/limit', '/status'])
  })
})

describe('discovery', () => {
  it('documents /jobs in OpenAPI', async () => {
    const doc = (await call(t, 'GET', '/openapi.json')).body
    expect(doc.paths['/jobs/resize'].post).toMatchObject({ operationId: 'resize_job', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ResizeInput' } } } } })
    expect(doc.paths['/jobs/{id}'].delete.operationId).toBe('_cancelJob')
    expect(doc.paths['/jobs/{id}/result'].get).toBeDefined()
    expect(doc.components.schemas.Job.properties.status.enum).toEqual(['queued', 'running', 'succeeded', 'failed', 'cancelled'])
    expect(doc.paths['/jobs/off-http']).toBeUndefined()
  })

  it('shows the job backend in /_sys/info (to operators: dev mode or serval:admin)', async () => {
    const info = serverInfo(t.app, { internals: true })
    expect(info.jobs).toMatchObject({ mode: 'embedded', workers: 4 })
  })
})
