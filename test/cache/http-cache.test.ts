import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Type } from '@sinclair/typebox'
import { z } from 'zod'
import { action, ActionError, asset } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { gate } from '../support/jobs.ts'
import { rawRequest, ran, runs } from './support.ts'

const slow = gate()
const Sum = Type.Object({ a: Type.Number(), b: Type.Number() })
const actions = [
  action({ name: 'add', http: ['GET', 'POST'], input: Sum, output: Type.Object({ sum: Type.Number(), run: Type.Number() }), cache: { ttl: 60 } }, ({ a, b }) => ({ sum: a + b, run: ran('add') })),
  action({ name: 'plain', http: 'GET' }, () => ({ run: ran('plain') })),
  action({ name: 'double', http: 'GET', input: z.object({ n: z.coerce.number().transform((n) => (ran('double-validated'), n)) }), cache: { ttl: 60 } }, ({ n }) => ({ twice: n * 2, run: ran('double') })),
  action({ name: 'count', http: 'GET', input: Type.Object({ n: Type.Number() }), output: Type.Number(), cache: { ttl: 60 } }, ({ n }) => n * 10 + ran('count')),
  action({ name: 'flaky', http: 'GET', cache: { ttl: 60 } }, () => {
    if (ran('flaky') === 1) throw new ActionError(503, 'not yet')
    return { ok: true }
  }),
  action({ name: 'note', http: ['GET', 'DELETE'], cache: { ttl: 60 } }, () => ({ run: ran('note') })),
  action({ name: 'slowGet', http: 'GET', cache: { ttl: 60 } }, async () => {
    ran('slowGet')
    await slow.promise
    return { done: true }
  }),
  action({ name: 'nothing', http: 'GET', cache: { ttl: 60 } }, () => void ran('nothing')),
  action({ name: 'bytes', http: 'GET', cache: { ttl: 60 } }, () => new Uint8Array([ran('bytes')])),
].map((a) => ({ action: a, exportName: a.def.name! }))

let t: TestServer
beforeAll(async () => {
  t = await createTestServer({ actions })
})
afterAll(() => t.close())

const ETAG = /^"[A-Za-z0-9_-]{43}"$/

describe('the result cache over HTTP', () => {
  it('answers a repeated call from the cache: MISS, then HIT without running the handler', async () => {
    const first = await t.fetch('/actions/add?a=1&b=2')
    expect(first.status).toBe(200)
    expect(first.headers.get('x-cache')).toBe('MISS')
    expect(first.headers.get('cache-control')).toBe('public, max-age=60')
    expect(first.headers.get('etag')).toMatch(ETAG)
    expect(first.headers.get('age')).toBe('0')
    const body = await first.json()
    const second = await t.fetch('/actions/add?b=2&a=1')
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(await second.json()).toEqual(body)
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(Number(second.headers.get('cache-control')!.split('max-age=')[1])).toBeLessThanOrEqual(60)
    expect(runs.get('add')).toBe(1)
  })

  it('answers a HIT of a number output with the body and ETag of its MISS, and a 304 to that ETag', async () => {
    const miss = await t.fetch('/actions/count?n=4')
    const missBody = await miss.text()
    expect([miss.headers.get('x-cache'), missBody]).toEqual(['MISS', '41'])
    const other = await t.fetch('/actions/count?n=5') // another entry of the same action is rendered apart
    expect([other.headers.get('x-cache'), await other.text()]).toEqual(['MISS', '52'])
    for (let i = 0; i < 2; i++) {
      const hit = await t.fetch('/actions/count?n=4')
      expect([hit.headers.get('x-cache'), await hit.text(), hit.headers.get('etag')]).toEqual(['HIT', missBody, miss.headers.get('etag')])
    }
    const again = await t.fetch('/actions/count?n=4', { headers: { 'if-none-match': miss.headers.get('etag')! } })
    expect(again.status).toBe(304)
    expect(runs.get('count')).toBe(2)
  })

  it('answers a repeated URL from memory without validating its input again; another spelling of the same input is validated once, then also a HIT', async () => {
    const calls = async (url: string) => {
      const res = await t.fetch(url)
      return [res.headers.get('x-cache'), await res.json()]
    }
    expect(await calls('/actions/double?n=21')).toEqual(['MISS', { twice: 42, run: 1 }])
    expect(await calls('/actions/double?n=21')).toEqual(['HIT', { twice: 42, run: 1 }])
    expect(await calls('/actions/double?n=21')).toEqual(['HIT', { twice: 42, run: 1 }])
    expect(runs.get('double-validated')).toBe(1) // the URL was validated once
    expect(await calls('/actions/double?n=21.0')).toEqual(['HIT', { twice: 42, run: 1 }]) // the same input, spelled otherwise
    expect(runs.get('double-validated')).toBe(2)
    expect(await calls('/actions/double?n=21.0')).toEqual(['HIT', { twice: 42, run: 1 }])
    expect(runs.get('double-validated')).toBe(2)
    expect((await t.fetch('/actions/double?n=x')).status).toBe(422) // a refused input is never remembered
    expect((await t.fetch('/actions/double?n=x')).status).toBe(422)
    expect(runs.get('double')).toBe(1)
  })

  it('lets a repeated URL miss once its entry expired, and runs the handler again', async () => {
    const first = await t.fetch('/actions/double?n=5')
    expect(first.headers.get('x-cache')).toBe('MISS')
    expect((await t.fetch('/actions/double?n=5')).headers.get('x-cache')).toBe('HIT')
    const before = runs.get('double')
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 }) // past the 60 s ttl; only the clock moves
    try {
      const late = await t.fetch('/actions/double?n=5')
      expect(late.headers.get('x-cache')).toBe('MISS')
      expect(runs.get('double')).toBe(before! + 1)
      expect((await t.fetch('/actions/double?n=5')).headers.get('x-cache')).toBe('HIT')
    } finally {
      vi.useRealTimers()
    }
  })

  it('tells a downstream cache the freshness left exactly once: max-age is the lifetime and Age the age (RFC 9111 §4.2.3)', async () => {
    const first = await t.fetch('/actions/add?a=40&b=2')
    expect([first.headers.get('cache-control'), first.headers.get('age')]).toEqual(['public, max-age=60', '0'])
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 40_500 }) // 40 s into the 60 s ttl; only the clock moves
    try {
      for (const headers of [{}, { 'if-none-match': first.headers.get('etag')! }] as Record<string, string>[]) {
        const later = await t.fetch('/actions/add?a=40&b=2', { headers })
        expect(later.headers.get('x-cache')).toBe('HIT')
        const maxAge = Number(/max-age=(\d+)/.exec(later.headers.get('cache-control')!)?.[1])
        const age = Number(later.headers.get('age'))
        expect(age).toBe(40)
        // A browser or CDN keeps it while max-age > Age + its own time: the 20 s the entry has left here,
        // not 20 − 40 (already stale), as `max-age=<remaining>` beside `Age` would tell it.
        expect(maxAge - age).toBe(20)
      }
    } finally {
      vi.useRealTimers()
    }
  })

  it('keys the canonical input: a POST body with its keys in another order is the same entry', async () => {
    const post = (body: string) => t.fetch('/actions/add', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const a = await post('{"a":5,"b":6}')
    const b = await post('{"b":6,"a":5}')
    expect([a.headers.get('x-cache'), b.headers.get('x-cache')]).toEqual(['MISS', 'HIT'])
    const other = await post('{"a":5,"b":7}')
    expect(other.headers.get('x-cache')).toBe('MISS')
  })

  it('answers 304 with no body for a matching If-None-Match: the tag, a list, a weak tag, *', async () => {
    const first = await t.fetch('/actions/add?a=10&b=20')
    const etag = first.headers.get('etag')!
    for (const inm of [etag, `"nope", ${etag}`, `W/${etag}`, '*']) {
      const res = await t.fetch('/actions/add?a=10&b=20', { headers: { 'if-none-match': inm } })
      expect(res.status, inm).toBe(304)
      expect(res.headers.get('etag')).toBe(etag)
      expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/)
      expect(await res.text()).toBe('')
    }
    const stale = await t.fetch('/actions/add?a=10&b=20', { headers: { 'if-none-match': '"other", W/"x"' } })
    expect(stale.status).toBe(200)
    expect(await stale.json()).toMatchObject({ sum: 30 })
  })

  it('sends no body bytes on a 304 (raw socket)', async () => {
    const first = await t.fetch('/actions/add?a=3&b=4')
    const raw = await rawRequest(t.url, ['GET /actions/add?a=3&b=4 HTTP/1.1', 'host: x', `if-none-match: ${first.headers.get('etag')}`])
    const [head, body] = raw.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 304/)
    expect(head).toContain(`etag: ${first.headers.get('etag')}`)
    expect(body).toBe('')
  })

  it('never caches an error: the next call runs again and a 200 follows', async () => {
    const failed = await t.fetch('/actions/flaky')
    expect(failed.status).toBe(503)
    expect(failed.headers.get('cache-control')).toBeNull()
    expect(failed.headers.get('etag')).toBeNull()
    const ok = await t.fetch('/actions/flaky')
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-cache')).toBe('MISS')
    expect(runs.get('flaky')).toBe(2)
  })

  it('DELETE never reads the cache', async () => {
    await t.fetch('/actions/note')
    expect((await t.fetch('/actions/note')).headers.get('x-cache')).toBe('HIT')
    const del = await t.fetch('/actions/note', { method: 'DELETE' })
    expect(del.status).toBe(200)
    expect(del.headers.get('x-cache')).toBeNull()
    expect(runs.get('note')).toBe(2)
  })

  it('runs the handler once for 10 concurrent identical misses (single-flight)', async () => {
    const calls = Array.from({ length: 10 }, () => t.fetch('/actions/slow-get'))
    await new Promise<void>((resolve) => {
      const wait = (): void => void (runs.get('slowGet') ? resolve() : setImmediate(wait))
      wait()
    })
    slow.open()
    const answers = await Promise.all(calls)
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200))
    expect(answers.filter((r) => r.headers.get('x-cache') === 'MISS')).toHaveLength(1)
    expect(runs.get('slowGet')).toBe(1)
  })

  it('adds nothing to an action without cache, nor to a 204 or a binary output of a cached one', async () => {
    const plain = await t.fetch('/actions/plain')
    expect(plain.headers.get('x-cache')).toBeNull()
    expect(plain.headers.get('etag')).toBeNull()
    const none = await t.fetch('/actions/nothing')
    expect(none.status).toBe(204)
    await t.fetch('/actions/nothing')
    expect(runs.get('nothing')).toBe(1)
    const bytes1 = new Uint8Array(await (await t.fetch('/actions/bytes')).arrayBuffer())
    const bytes2 = new Uint8Array(await (await t.fetch('/actions/bytes')).arrayBuffer())
    expect([bytes1[0], bytes2[0]]).toEqual([1, 2])
  })
})

// Servers of their own, built in the test: the first answer of an entry is what these check.
describe('a cached answer\'s headers from its first render', () => {
  const serve = (a: ReturnType<typeof action>) => createTestServer({ actions: [{ action: a, exportName: a.def.name! }] })

  it('says the entry\'s lifetime from the first answer, a 1 s ttl too', async () => {
    const s = await serve(action({ name: 'brief', http: 'GET', cache: { ttl: 1 } }, () => ({ ok: true })))
    try {
      const res = await s.fetch('/actions/brief')
      expect([res.headers.get('x-cache'), res.headers.get('cache-control'), res.headers.get('age')]).toEqual(['MISS', 'public, max-age=1', '0'])
    } finally {
      await s.close()
    }
  })

  it('renders an answer with assets on each call: its Age follows the clock, its hrefs the request\'s origin', async () => {
    const s = await serve(action({ name: 'chart', http: 'GET', cache: { ttl: 60 } }, () => ({ image: asset(new Uint8Array([1, 2, 3]), 'image/png') })))
    const call = async (host: string) => {
      const res = await s.server.inject({ url: '/actions/chart', headers: { host } })
      return [res.headers['x-cache'], res.headers['cache-control'], res.headers['age'], (res.json() as { image: { href: string } }).image.href.split('/assets/')[0]]
    }
    try {
      expect(await call('a.example')).toEqual(['MISS', 'public, max-age=60', '0', 'http://a.example'])
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 1_500 }) // 1 s into the entry; only the clock moves
      try {
        expect(await call('b.example')).toEqual(['HIT', 'public, max-age=60', '1', 'http://b.example'])
      } finally {
        vi.useRealTimers()
      }
    } finally {
      await s.close()
    }
  })
})
