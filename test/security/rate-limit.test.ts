import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, type ActionSource } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from './support.ts'
import { isCI } from '../support/ci.ts'
import { gate } from '../support/jobs.ts'

const limited: ActionSource[] = [
  { exportName: 'search', action: action({ access: 'public', http: 'GET', rateLimit: { max: 2, windowMs: 60_000 }, output: z.string() }, () => 'ok') },
  { exportName: 'health2', action: action({ access: 'public', http: 'GET', rateLimit: false, output: z.string() }, () => 'ok') },
  { exportName: 'other', action: action({ access: 'public', http: 'GET', output: z.string() }, () => 'ok') },
  { exportName: 'twin', action: action({ access: 'public', http: 'GET', rateLimit: { max: 2, windowMs: 60_000 }, output: z.string() }, () => 'ok') },
]

async function hit(t: TestServer, path: string, headers: Record<string, string> = {}) {
  const res = await t.fetch(path, { headers })
  return { status: res.status, retryAfter: res.headers.get('retry-after'), limit: res.headers.get('x-ratelimit-limit'), body: await res.json() }
}

describe('rate limiting (in memory)', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions: limited }, { auth_mode: 'jwt', jwt_secret: SECRET })
  })
  afterAll(() => t.close())

  it('answers 429 + Retry-After as a problem once an action\'s own limit is used up', async () => {
    expect((await hit(t, '/actions/search')).status).toBe(200)
    expect(await hit(t, '/actions/search')).toMatchObject({ status: 200, limit: '2' })
    const third = await hit(t, '/actions/search')
    expect(third).toMatchObject({ status: 429, body: { type: 'urn:serval:problem:too-many-requests', status: 429 } })
    expect(Number(third.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(await hit(t, '/actions/other')).toMatchObject({ status: 200, limit: null }) // no default: unlimited, no hook
  })

  it('counts per verified principal: another token has its own budget', async () => {
    const ada = bearer(await hs256({ sub: 'ada' }))
    const bob = bearer(await hs256({ sub: 'bob' }))
    for (let i = 0; i < 2; i++) expect((await hit(t, '/actions/search', ada)).status).toBe(200)
    expect((await hit(t, '/actions/search', ada)).status).toBe(429)
    expect((await hit(t, '/actions/search', bob)).status).toBe(200)
    // A forged token does not buy a fresh budget: it counts against the IP, and is refused.
    expect((await hit(t, '/actions/search', bearer(await hs256({ sub: 'carol' }, { secret: 'x'.repeat(40) })))).status).toBe(429)
  })

  it('documents the 429 on limited operations only', async () => {
    const doc = await (await t.fetch('/openapi.json')).json()
    expect(doc.paths['/actions/search'].get.responses['429']).toEqual({ $ref: '#/components/responses/Error429' })
    expect(doc.paths['/actions/other'].get.responses['429']).toBeUndefined()
  })
})

describe('rate limiting behind a proxy (trust_proxy)', () => {
  const from = (ip: string) => ({ 'x-forwarded-for': ip })

  it('gives each anonymous client behind a trusted proxy its own budget, by X-Forwarded-For', async () => {
    // The test client is the proxy here: it connects from 127.0.0.1, which is trusted.
    const t = await createTestServer({ actions: limited }, { trust_proxy: '127.0.0.1' })
    try {
      for (let i = 0; i < 2; i++) expect((await hit(t, '/actions/search', from('203.0.113.7'))).status).toBe(200)
      expect((await hit(t, '/actions/search', from('203.0.113.7'))).status).toBe(429)
      expect((await hit(t, '/actions/search', from('203.0.113.8'))).status).toBe(200)
    } finally {
      await t.close()
    }
  })

  it('ignores X-Forwarded-For by default: a client cannot buy a fresh budget by sending one', async () => {
    const t = await createTestServer({ actions: limited })
    try {
      for (let i = 0; i < 2; i++) expect((await hit(t, '/actions/search', from(`198.51.100.${i}`))).status).toBe(200)
      expect((await hit(t, '/actions/search', from('198.51.100.99'))).status).toBe(429)
    } finally {
      await t.close()
    }
  })

  it('ignores X-Forwarded-For from a proxy that is not the trusted one', async () => {
    const t = await createTestServer({ actions: limited }, { trust_proxy: '10.0.0.0/8' })
    try {
      for (let i = 0; i < 2; i++) expect((await hit(t, '/actions/search', from(`198.51.100.${i}`))).status).toBe(200)
      expect((await hit(t, '/actions/search', from('198.51.100.99'))).status).toBe(429)
    } finally {
      await t.close()
    }
  })
})

describe('rate limiting job submissions', () => {
  it('limits POST /jobs/{name} by the action\'s rule, per caller, apart from direct calls', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'serval-rl-jobs-'))
    const t = await createTestServer({ actions: limited }, { data_dir: dataDir, workers: 0 })
    const submit = (name: string) => t.fetch(`/jobs/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    try {
      expect((await submit('search')).status).toBe(202)
      expect((await submit('search')).status).toBe(202)
      const third = await submit('search')
      expect(third.status).toBe(429)
      expect(third.headers.get('retry-after')).toMatch(/^\d+$/)
      for (let i = 0; i < 3; i++) expect((await submit('other')).status).toBe(202) // no limit: untouched
      expect((await hit(t, '/actions/search')).status).toBe(200) // a separate budget
    } finally {
      await t.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('rate_limit_max: the app default', () => {
  it('limits every action without its own rule; rateLimit: false opts out', async () => {
    const t = await createTestServer({ actions: limited }, { rate_limit_max: 1, rate_limit_window_s: 60 })
    try {
      expect((await hit(t, '/actions/other')).status).toBe(200)
      expect((await hit(t, '/actions/other')).status).toBe(429)
      for (let i = 0; i < 3; i++) expect((await hit(t, '/actions/health2')).status).toBe(200)
      expect((await hit(t, '/actions/search')).status).toBe(200) // its own max of 2 wins
    } finally {
      await t.close()
    }
  })
})

describe('rate limiting, a server per test (the steps are attached as it is built)', () => {
  const short: ActionSource[] = [
    ...limited,
    { exportName: 'brief', action: action({ access: 'public', http: 'GET', rateLimit: { max: 1, windowMs: 5_000 }, output: z.string() }, () => 'ok') },
  ]
  const headers = (res: Response) => ({ limit: res.headers.get('x-ratelimit-limit'), remaining: res.headers.get('x-ratelimit-remaining'), reset: Number(res.headers.get('x-ratelimit-reset')), retryAfter: res.headers.get('retry-after') })

  it('counts down X-RateLimit-Remaining, and the 429 names the limit and the wait of the action\'s own window', async () => {
    const t = await createTestServer({ actions: short })
    try {
      const first = await t.fetch('/actions/search')
      expect(headers(first)).toMatchObject({ limit: '2', remaining: '1', retryAfter: null })
      expect(headers(first).reset).toBeGreaterThan(5) // a 60 s window
      expect(headers(first).reset).toBeLessThanOrEqual(60)
      expect(headers(await t.fetch('/actions/search'))).toMatchObject({ limit: '2', remaining: '0' })
      const third = await t.fetch('/actions/search')
      const after = Number(third.headers.get('retry-after'))
      expect(after).toBeGreaterThan(5)
      expect(headers(third)).toMatchObject({ limit: '2', remaining: '0', reset: after })
      expect(await third.json()).toMatchObject({ status: 429, detail: `At most 2 requests per window; retry in ${after} s` })
      // Another action's own window: 5 s, not the default minute.
      expect(headers(await t.fetch('/actions/brief')).reset).toBeLessThanOrEqual(5)
      const over = await t.fetch('/actions/brief')
      expect(over.status).toBe(429)
      expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(5)
    } finally {
      await t.close()
    }
  })

  it('gives each action its own budget, even with the same limit, on job routes too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'serval-rl-own-'))
    const t = await createTestServer({ actions: short }, { data_dir: dataDir, workers: 0 })
    const submit = (name: string) => t.fetch(`/jobs/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    try {
      for (let i = 0; i < 2; i++) expect((await t.fetch('/actions/search')).status).toBe(200)
      expect((await t.fetch('/actions/search')).status).toBe(429)
      expect((await t.fetch('/actions/twin')).status).toBe(200)
      for (let i = 0; i < 2; i++) expect((await submit('search')).status).toBe(202)
      expect((await submit('search')).status).toBe(429)
      expect((await submit('twin')).status).toBe(202)
    } finally {
      await t.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('a caller whose sub is an IP address does not share that address\'s anonymous budget', async () => {
    const t = await createTestServer({ actions: short }, { auth_mode: 'jwt', jwt_secret: SECRET })
    try {
      const named = bearer(await hs256({ sub: '127.0.0.1' }))
      for (let i = 0; i < 2; i++) expect((await t.fetch('/actions/search', { headers: named })).status).toBe(200)
      expect((await t.fetch('/actions/search', { headers: named })).status).toBe(429)
      expect((await t.fetch('/actions/search')).status).toBe(200)
    } finally {
      await t.close()
    }
  })

  it('follows the live default (PATCH /_sys/config rate_limit) on action and job routes; own rules and rateLimit: false stay', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'serval-rl-live-'))
    const t = await createTestServer({ actions: short }, { auth_mode: 'jwt', jwt_secret: SECRET, data_dir: dataDir, workers: 0 })
    const admin = bearer(await hs256({ sub: 'ops', scope: 'serval:admin' }))
    const patch = (body: string) => t.fetch('/_sys/config', { method: 'PATCH', headers: { ...admin, 'content-type': 'application/merge-patch+json' }, body })
    const submit = (name: string) => t.fetch(`/jobs/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    const doc = async () => (await t.fetch('/openapi.json')).json()
    try {
      expect((await t.fetch('/actions/other')).headers.get('x-ratelimit-limit')).toBeNull()
      expect((await patch('{"rate_limit":{"max":1,"window_s":30}}')).status).toBe(200)
      const first = await t.fetch('/actions/other')
      expect(headers(first)).toMatchObject({ limit: '1', remaining: '0' })
      expect(headers(first).reset).toBeGreaterThan(5)
      expect(headers(first).reset).toBeLessThanOrEqual(30)
      expect((await t.fetch('/actions/other')).status).toBe(429)
      expect((await submit('other')).status).toBe(202)
      expect((await submit('other')).status).toBe(429)
      for (let i = 0; i < 3; i++) expect((await t.fetch('/actions/health2')).status).toBe(200)
      for (let i = 0; i < 3; i++) expect((await submit('health2')).status).toBe(202)
      expect(headers(await t.fetch('/actions/search'))).toMatchObject({ limit: '2', remaining: '1' })
      const live = await doc() // built at its first fetch (and kept), so with the live default
      expect(live.paths['/actions/other'].get.responses['429']).toEqual({ $ref: '#/components/responses/Error429' })
      expect(live.paths['/actions/health2'].get.responses['429']).toBeUndefined()
      expect((await patch('{"rate_limit":null}')).status).toBe(200)
      expect((await t.fetch('/actions/other')).status).toBe(200)
      expect((await submit('other')).status).toBe(202)
    } finally {
      await t.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('comes after the max_concurrency step: a call refused for capacity is not counted against the caller', async () => {
    const release = gate()
    const started = gate()
    const slow = action({ access: 'public', rateLimit: { max: 2, windowMs: 60_000 }, output: z.string() }, async () => (started.open(), await release.promise, 'done'))
    const t = await createTestServer({ actions: [{ action: slow, exportName: 'slow' }] }, { max_concurrency: 1 })
    const call = () => t.fetch('/actions/slow', { method: 'POST' })
    try {
      const first = call()
      await started.promise
      const full = await call()
      expect(full.status).toBe(503)
      expect(full.headers.get('x-ratelimit-limit')).toBeNull()
      release.open()
      expect((await first).status).toBe(200)
      expect(headers(await call())).toMatchObject({ limit: '2', remaining: '0' })
      expect((await call()).status).toBe(429)
    } finally {
      release.open()
      await t.close()
    }
  })

  it('documents the 429 + Retry-After on limited actions\' job routes too, and nowhere when nothing is limited', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'serval-rl-doc-'))
    const t = await createTestServer({ actions: short }, { data_dir: dataDir, workers: 0 })
    const plain = await createTestServer({ actions: [limited[1]!, limited[2]!] })
    try {
      const doc = await (await t.fetch('/openapi.json')).json()
      expect(doc.paths['/jobs/search'].post.responses['429']).toEqual({ $ref: '#/components/responses/Error429' })
      expect(doc.paths['/jobs/other'].post.responses['429']).toBeUndefined()
      expect(doc.components.responses.Error429).toMatchObject({ headers: { 'Retry-After': { schema: { type: 'integer' } } } })
      const none = await (await plain.fetch('/openapi.json')).json()
      expect(none.components.responses?.Error429).toBeUndefined()
    } finally {
      await Promise.all([t.close(), plain.close()])
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('rate limiting in Redis (redis_url)', () => {
  const redisUrl = 'redis://127.0.0.1:6379'
  let available = false
  beforeAll(async () => {
    available = await reachable(6379)
    if (!available && isCI()) throw new Error('Redis at 127.0.0.1:6379 is required in CI for the Redis rate-limit test')
    if (!available) console.warn('\n!!! SKIPPING the Redis rate-limit test: no Redis at 127.0.0.1:6379 !!!\n')
  })

  it('shares one budget across instances', async (ctx) => {
    if (!available) return ctx.skip()
    const settings = { redis_url: redisUrl, redis_prefix: `serval-test-${randomUUID()}` }
    const a = await createTestServer({ actions: limited }, settings)
    const b = await createTestServer({ actions: limited }, settings)
    try {
      expect((await hit(a, '/actions/search')).status).toBe(200)
      expect((await hit(b, '/actions/search')).status).toBe(200)
      const third = await hit(a, '/actions/search')
      expect(third).toMatchObject({ status: 429, body: { type: 'urn:serval:problem:too-many-requests' } })
      expect(Number(third.retryAfter)).toBeGreaterThanOrEqual(1)
      expect((await hit(b, '/actions/twin')).status).toBe(200) // one key per action in the shared store too
    } finally {
      await a.close()
      await b.close()
      await dropKeys(redisUrl, settings.redis_prefix)
    }
  })
})

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    socket.setTimeout(1_000, () => (socket.destroy(), resolve(false)))
    socket.once('error', () => resolve(false))
    socket.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)))
  })
}

async function dropKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url)
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  await redis.quit()
}
