import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTestServer, type TestServer } from 'serval/testing'
import { verifyWebhook } from 'serval'
import { eventually } from '../support/redis.ts'
import { HOOKS, post } from './support.ts'

interface Received {
  order: number
  eventId: string
  signature: string
  body: string
  valid: boolean
}

const SECRET = 'whsec_test' // the fixture's secret
const received: Received[] = []
let receiver: Server
let t: TestServer

/** Fails the first two attempts of order 1 (500), drops the connection for order 2 every time, accepts the rest. */
function receive(req: IncomingMessage, body: string, res: import('node:http').ServerResponse) {
  const signature = String(req.headers['serval-signature'])
  const { t: ts, v1 } = Object.fromEntries(signature.split(',').map((kv) => kv.split('='))) as { t: string; v1: string }
  const valid = v1 === createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')
  const event = JSON.parse(body) as { order: number }
  received.push({ order: event.order, eventId: String(req.headers['serval-event-id']), signature, body, valid })
  if (event.order === 2) return req.socket.destroy()
  const attempts = received.filter((r) => r.order === event.order).length
  res.writeHead(event.order === 1 && attempts <= 2 ? 500 : 204).end()
}

async function jobsOf(action: string): Promise<any[]> {
  const res = await t.fetch(`/jobs?action=${encodeURIComponent(action)}`)
  return (await res.json()).items
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => receive(req, body, res))
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  process.env.TEST_HOOK_URL = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  process.env.TEST_HOOK_ATTEMPTS = '4'
  // Backoff capped at 1 s (1 s doubling otherwise): the retries take seconds, not minutes.
  t = await createTestServer({ dirs: [HOOKS] }, { webhook_max_backoff_s: 1 })
})
afterAll(async () => {
  await t.close()
  await new Promise((resolve) => receiver.close(resolve))
})

describe('webhook channels', () => {

  it('POSTs each event signed; retries failures through the job system with the same event id', async () => {
    expect(await post(t, 'place-order', { order: 1, note: 'first' })).toMatchObject({ status: 200 })
    const job = await eventually(async () => (await jobsOf('webhook:orders')).find((j) => j.status === 'succeeded'), 'the delivery job to succeed', 20_000)
    expect(job).toMatchObject({ action: 'webhook:orders', attempts: 3, maxAttempts: 4 })
    const attempts = received.filter((r) => r.order === 1)
    expect(attempts).toHaveLength(3)
    expect(new Set(attempts.map((a) => a.eventId)).size).toBe(1)
    expect(attempts[0]!.eventId).toMatch(/^[0-9a-f-]{36}$/)
    for (const a of attempts) {
      expect(a.valid).toBe(true)
      expect(a.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
      expect(JSON.parse(a.body)).toEqual({ order: 1, note: 'first' })
      expect(verifyWebhook(SECRET, a.body, a.signature)).toBe(true)
      expect(verifyWebhook('another secret', a.body, a.signature)).toBe(false)
      expect(verifyWebhook(SECRET, `${a.body} `, a.signature)).toBe(false)
    }
  })

  it('gives up after maxAttempts on network errors: the job fails with a 502 problem that names no address', async () => {
    await post(t, 'place-order', { order: 2 })
    const failed = await eventually(async () => (await jobsOf('webhook:orders')).find((j) => j.status === 'failed'), 'the delivery to fail', 20_000)
    expect(failed).toMatchObject({ attempts: 4, error: { type: 'urn:serval:problem:webhook-failed', status: 502 } })
    expect(JSON.stringify(failed.error)).not.toContain('127.0.0.1')
    expect(received.filter((r) => r.order === 2)).toHaveLength(4)
  })

  it('refuses a bad event before anything is queued (422)', async () => {
    const before = (await jobsOf('webhook:orders')).length
    expect(await post(t, 'place-order', { order: 'x' })).toMatchObject({ status: 422 })
    expect((await jobsOf('webhook:orders')).length).toBe(before)
  })

  it('cannot be triggered from outside: the deliveries action is not served over HTTP', async () => {
    expect((await t.fetch('/jobs/webhook:orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'x', event: {} }) })).status).toBe(404)
    expect((await t.fetch('/actions/webhook:orders', { method: 'POST' })).status).toBe(404)
  })

  it('rejects a stale or malformed signature header', () => {
    const body = '{"order":1}'
    const old = Math.floor(Date.now() / 1000) - 3600
    const stale = `t=${old},v1=${createHmac('sha256', SECRET).update(`${old}.${body}`).digest('hex')}`
    expect(verifyWebhook(SECRET, body, stale)).toBe(false)
    expect(verifyWebhook(SECRET, body, undefined)).toBe(false)
    expect(verifyWebhook(SECRET, body, 'garbage')).toBe(false)
  })
})

describe('background channels', () => {
  it('runs one job of the action per event, with the event as its input', async () => {
    expect(await post(t, 'do-audit', { who: 'ann', what: 'login' })).toMatchObject({ status: 200 })
    expect(await post(t, 'do-audit', { who: 'bob', what: 'logout' })).toMatchObject({ status: 200 })
    const done = await eventually(async () => {
      const jobs = (await jobsOf('recordAudit')).filter((j) => j.status === 'succeeded')
      return jobs.length === 2 ? jobs : undefined
    }, 'two audit jobs')
    expect(done).toHaveLength(2)
    const audited = await (await t.fetch('/actions/audits')).json()
    expect(audited).toEqual(expect.arrayContaining([{ who: 'ann', what: 'login' }, { who: 'bob', what: 'logout' }]))
  })

  it('a bad event is a 422 and runs nothing', async () => {
    expect(await post(t, 'do-audit', { who: 'ann' })).toMatchObject({ status: 422 })
  })
})
