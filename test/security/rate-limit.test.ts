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

const limited: ActionSource[] = [
  { exportName: 'search', action: action({ access: 'public', http: 'GET', rateLimit: { max: 2, windowMs: 60_000 }, output: z.string() }, () => 'ok') },
  { exportName: 'health2', action: action({ access: 'public', http: 'GET', rateLimit: false, output: z.string() }, () => 'ok') },
  { exportName: 'other', action: action({ access: 'public', http: 'GET', output: z.string() }, () => 'ok') },
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
