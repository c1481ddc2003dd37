import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, createApp } from '../index.ts'
import { createTestServer, type TestServer } from '../testing/index.ts'
import { defaultExtensions } from '../app/extensions.ts'
import { buildHttpServer } from '../http/server.ts'
import { openWs } from '../../test/support/ws.ts'
import { jobStatus, submit } from '../../test/support/jobs.ts'

const add = action({ http: 'GET', input: z.object({ a: z.coerce.number(), b: z.coerce.number() }) }, ({ a, b }) => a + b)
const cached = action({ http: 'GET', cache: { ttl: 60 } }, () => 'same')
const work = action({}, () => 'done')
const echo = action({ input: z.object({ text: z.string() }) }, async ({ text }) => text)
const actions = [
  { action: echo, exportName: 'echo' },
  { action: add, exportName: 'add' },
  { action: cached, exportName: 'cached' },
  { action: work, exportName: 'work' },
]

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line)
    if (m) out.set(m[1]!, Number(m[2]))
  }
  return out
}

let t: TestServer
const scrape = async (server = t) => {
  const res = await server.fetch('/metrics')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return samples(await res.text())
}

beforeAll(async () => {
  t = await createTestServer({ actions })
})
afterAll(() => t?.close())

describe('GET /metrics', () => {
  it('counts requests by action, method and status, with a duration histogram', async () => {
    for (let i = 0; i < 3; i++) expect((await t.fetch('/actions/add?a=1&b=2')).status).toBe(200)
    expect((await t.fetch('/actions/add?a=x')).status).toBe(422)
    expect((await t.fetch('/nowhere')).status).toBe(404)
    const m = await scrape()
    expect(m.get('serval_requests_total{action="add",method="GET",status="200"}')).toBe(3)
    expect(m.get('serval_requests_total{action="add",method="GET",status="422"}')).toBe(1)
    expect(m.get('serval_requests_total{action="",method="GET",status="404"}')).toBe(1)
    expect(m.get('serval_request_duration_seconds_count{action="add"}')).toBe(4)
    expect(m.get('serval_request_duration_seconds_bucket{le="+Inf",action="add"}')).toBe(4)
  })

  it("counts a request its action's route refused before the handler under that action, and other routes under ''", async () => {
    const before = await scrape()
    const refused = await t.fetch('/actions/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' })
    expect(refused.status).toBe(415)
    const ok = await t.fetch('/actions/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' })
    expect(ok.status).toBe(200)
    expect((await t.fetch('/actions/add?a=1&b=2', { method: 'HEAD' })).status).toBe(200)
    expect((await t.fetch('/_sys/health')).status).toBe(200)
    const m = await scrape()
    const delta = (key: string) => (m.get(key) ?? 0) - (before.get(key) ?? 0)
    expect(delta('serval_requests_total{action="echo",method="POST",status="415"}')).toBe(1)
    expect(delta('serval_requests_total{action="echo",method="POST",status="200"}')).toBe(1)
    expect(delta('serval_requests_total{action="add",method="HEAD",status="200"}')).toBe(1)
    expect(delta('serval_requests_total{action="",method="GET",status="200"}')).toBeGreaterThanOrEqual(1) // the health check (and the first scrape)
    // Durations are measured, not zero: the sum of two answered calls is above nothing.
    expect(m.get('serval_request_duration_seconds_sum{action="echo"}')).toBeGreaterThan(0)
  })

  it('counts cache hits and misses', async () => {
    await t.fetch('/actions/cached')
    await t.fetch('/actions/cached')
    await t.fetch('/actions/cached')
    const m = await scrape()
    expect(m.get('serval_cache_requests_total{action="cached",result="miss"}')).toBe(1)
    expect(m.get('serval_cache_requests_total{action="cached",result="hit"}')).toBe(2)
  })

  it('counts finished jobs and shows the queue depth of every action', async () => {
    const id = await submit(t, 'work', {})
    await jobStatus(t, id, 'succeeded')
    const m = await scrape()
    expect(m.get('serval_jobs_total{action="work",status="succeeded"}')).toBe(1)
    expect(m.get('serval_job_queue_depth{action="work"}')).toBe(0)
    expect(m.get('serval_job_queue_depth{action="add"}')).toBe(0)
  })

  it('counts open WebSockets at scrape time', async () => {
    const ws = await openWs(`${t.url.replace('http', 'ws')}/ws`)
    expect((await scrape()).get('serval_ws_connections')).toBe(1)
    await ws.close()
    await expect.poll(async () => (await scrape()).get('serval_ws_connections')).toBe(0)
  })

  it('has the default process metrics', async () => {
    const m = await scrape()
    expect(m.get('process_cpu_user_seconds_total')).toBeGreaterThan(0)
    expect(m.has('nodejs_eventloop_lag_seconds')).toBe(true)
  })

  it('keeps each app in its own registry: a second app starts at zero', async () => {
    const other = await createTestServer({ actions })
    try {
      await other.fetch('/actions/add?a=1&b=1')
      const m = await scrape(other)
      expect(m.get('serval_requests_total{action="add",method="GET",status="200"}')).toBe(1)
      expect((await scrape()).get('serval_requests_total{action="add",method="GET",status="200"}')).toBe(3)
    } finally {
      await other.close()
    }
  })
})

describe('metrics settings', () => {
  async function inject(settings: Record<string, unknown>, headers: Record<string, string> = {}) {
    const dataDir = mkdtempSync(join(tmpdir(), 'serval-metrics-'))
    const full = { ...settings, data_dir: dataDir, log_level: 'silent' as const }
    const app = await createApp({ actions, settings: full, extensions: await defaultExtensions({ ...t.app.settings, ...full } as never) })
    const server = await buildHttpServer(app)
    try {
      return await server.inject({ method: 'GET', url: '/metrics', headers })
    } finally {
      await server.close()
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }

  it('metrics_token: /metrics needs it as a bearer token', async () => {
    const token = 'scrape-token-0123456789'
    const missing = await inject({ metrics_token: token })
    expect(missing.statusCode).toBe(401)
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"')
    expect(missing.json()).toMatchObject({ type: 'urn:serval:problem:unauthorized' })
    expect((await inject({ metrics_token: token }, { authorization: 'Bearer wrong-token-0123456789' })).statusCode).toBe(401)
    expect((await inject({ metrics_token: token }, { authorization: `Bearer ${token}` })).statusCode).toBe(200)
  })

  it('metrics=false: no /metrics', async () => {
    expect((await inject({ metrics: false })).statusCode).toBe(404)
  })
})
