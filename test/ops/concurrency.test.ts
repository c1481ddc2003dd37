import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { gate } from '../support/jobs.ts'

/** `max_concurrency`: past it a 503 + Retry-After at once, never a hang; no request lost or answered twice. */

let release = gate()
let running = 0
let ran = 0
let bothStarted = gate()
const block = action({}, async () => {
  ran++
  if (++running === 2) bothStarted.open()
  await release.promise
  running--
  return 'done'
})
const quick = action({ http: 'GET' }, () => 'quick')

let t: TestServer
beforeAll(async () => {
  t = await createTestServer({ actions: [{ action: block, exportName: 'block' }, { action: quick, exportName: 'quick' }] }, { max_concurrency: 2 })
})
afterAll(async () => {
  release.open()
  await t.close()
})

async function call(path: string, method = 'POST') {
  const res = await t.fetch(path, { method })
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }
}

describe('max_concurrency=2', () => {
  it('runs exactly 2 of 20 parallel calls, answers the other 18 503 + Retry-After at once, then the 2 once released', async () => {
    const refused: Awaited<ReturnType<typeof call>>[] = []
    const allRefused = gate()
    const calls = Array.from({ length: 20 }, () =>
      call('/actions/block').then((r) => {
        if (r.status === 503 && refused.push(r) === 18) allRefused.open()
        return r
      }),
    )
    // The 18 refusals come back while the 2 are still blocked: nothing waits for a slot.
    await bothStarted.promise
    await allRefused.promise
    expect(refused).toHaveLength(18)
    for (const r of refused) {
      expect(r.retryAfter).toBe('1')
      expect(r.body).toMatchObject({ type: 'urn:serval:problem:over-capacity', status: 503, detail: 'At most 2 action calls run at once; retry shortly' })
    }
    // Health checks and system routes are not counted: they answer while the server is full.
    expect((await t.fetch('/_sys/health')).status).toBe(200)
    expect((await t.fetch('/_sys/ready')).status).toBe(200)
    expect(running).toBe(2)
    release.open()
    const all = await Promise.all(calls)
    expect(all.filter((r) => r.status === 200).map((r) => r.body)).toEqual(['done', 'done'])
    expect(all.filter((r) => r.status === 503)).toHaveLength(18)
    expect(ran).toBe(2) // no refused call ran its handler
  })

  it('gives the slots back: once the calls ended, new ones run', async () => {
    for (let i = 0; i < 5; i++) expect((await call('/actions/quick', 'GET')).status).toBe(200)
    expect((await call('/actions/block')).status).toBe(200)
  })

  it('frees the slot of a call whose client went away (its handler sees ctx.signal abort)', async () => {
    release = gate()
    bothStarted = gate()
    running = 0
    const aborts = [new AbortController(), new AbortController()]
    const gone = aborts.map((a) => t.fetch('/actions/block', { method: 'POST', signal: a.signal }).catch(() => 'aborted'))
    await bothStarted.promise
    expect((await call('/actions/quick', 'GET')).status).toBe(503)
    for (const a of aborts) a.abort()
    expect(await Promise.all(gone)).toEqual(['aborted', 'aborted'])
    await vi.waitFor(async () => expect((await call('/actions/quick', 'GET')).status).toBe(200))
    release.open()
  })
})
