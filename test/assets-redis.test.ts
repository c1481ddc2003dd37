import { createHash } from 'node:crypto'
import { base58btc } from 'multiformats/bases/base58'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { action, asset, file } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { MAX_ASSET_BYTES } from '../src/assets/store.ts'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'

// Assets with redis_url: what one instance stored, every instance serves (each test server has its own data_dir).
const hasRedis = await redisAvailable('assets on Redis')
const prefix = uniquePrefix('assets')
const bytes = new Uint8Array(Array.from({ length: 100 }, (_, i) => i))
const png = new Uint8Array([137, 80, 78, 71, 2])
const actions = [
  action({ name: 'chart', http: 'GET' }, (input: { n?: number }) => ({ image: asset(input.n === undefined ? bytes : new Uint8Array([input.n, 7]), 'image/png') })),
  action({ name: 'picture', http: 'GET', store: true }, () => file(png, 'image/png')),
  action({ name: 'same', http: 'GET' }, () => ({ image: asset(png, 'image/png') })),
  action({ name: 'huge', http: 'GET' }, () => ({ video: asset(new Uint8Array(MAX_ASSET_BYTES + 1), 'video/mp4') })),
].map((a) => ({ action: a, exportName: a.def.name! }))
const shared = { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0 }
const idOf = (href: string) => href.split('/assets/')[1]!

describe.skipIf(!hasRedis)('assets on Redis', () => {
  let a: TestServer
  let b: TestServer
  let redis: Redis
  beforeAll(async () => {
    ;[a, b] = await Promise.all([createTestServer({ actions }, shared), createTestServer({ actions }, shared)])
    redis = new Redis(REDIS_URL)
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    redis?.disconnect()
    await deleteKeys(prefix)
  })

  it('serves through one instance an asset another produced, with its type, ETag, immutable caching and ranges', async () => {
    const { image } = await (await a.fetch('/actions/chart')).json()
    const path = `/assets/${idOf(image.href)}`
    const whole = await b.fetch(path)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('image/png')
    expect(whole.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(whole.headers.get('etag')).toBe(`"${idOf(image.href)}"`)
    expect([...new Uint8Array(await whole.arrayBuffer())]).toEqual([...bytes])
    const part = await b.fetch(path, { headers: { range: 'bytes=95-' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 95-99/100')
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([95, 96, 97, 98, 99])
    const outside = await b.fetch(path, { headers: { range: 'bytes=100-' } })
    expect(outside.status).toBe(416)
    expect(outside.headers.get('content-range')).toBe('bytes */100')
    expect((await b.fetch(path, { headers: { 'if-none-match': whole.headers.get('etag')! } })).status).toBe(304)
  })

  it('serves through one instance a binary result another stored, and keeps it as long as the result', async () => {
    const stored = await a.fetch('/actions/picture')
    const path = new URL(stored.headers.get('location')!).pathname
    const back = await b.fetch(path)
    expect(back.status).toBe(200)
    expect(back.headers.get('content-type')).toBe('image/png')
    expect([...new Uint8Array(await back.arrayBuffer())]).toEqual([...png])
    const ttl = await redis.pttl(`${prefix}:assets:${idOf(path)}`)
    expect(ttl).toBeGreaterThan(a.app.settings.results_retention_s * 1000 - 60_000)
  })

  it('serves an asset across a functions version change: ids are the content, not the version', async () => {
    const { image } = await (await a.fetch('/actions/chart?n=1')).json()
    const next = await createTestServer({ actions }, { ...shared, version_mode: 'manual', functions_version: 'zQmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco' })
    try {
      expect(next.app.functionsVersion).not.toBe(a.app.functionsVersion)
      const res = await next.fetch(`/assets/${idOf(image.href)}`)
      expect(res.status).toBe(200)
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([1, 7])
    } finally {
      await next.close()
    }
  })

  it('starts the clock again when an answer refers to an asset again, never cutting short a stored result', async () => {
    const own = uniquePrefix('assets-clock')
    const t = await createTestServer({ actions }, { ...shared, redis_prefix: own, assets_retention_s: 60, results_retention_s: 3600 })
    try {
      const { image } = await (await t.fetch('/actions/chart?n=2')).json()
      const key = `${own}:assets:${idOf(image.href)}`
      expect(await redis.pttl(key)).toBeGreaterThan(30_000)
      await redis.pexpire(key, 1000) // as if last referred to 59 s ago
      // The instance trusts its own last check for a hundredth of the retention (0.6 s), then refreshes.
      await eventually(async () => {
        await (await t.fetch('/actions/chart?n=2')).arrayBuffer()
        return (await redis.pttl(key)) > 30_000 ? true : undefined
      }, 'an answer refreshes the TTL', 5000)
      // A key removed behind its back (eviction, FLUSHDB) is written again by a later answer.
      await redis.del(key)
      await eventually(async () => {
        await (await t.fetch('/actions/chart?n=2')).arrayBuffer()
        return (await redis.exists(key)) === 1 ? true : undefined
      }, 'an answer writes the asset again', 5000)
      expect((await t.fetch(`/assets/${idOf(image.href)}`)).status).toBe(200)
      // A stored result's asset outlives the retention, and a plain answer with the same bytes does not shorten it.
      const path = new URL((await t.fetch('/actions/picture')).headers.get('location')!).pathname
      await (await t.fetch('/actions/same')).arrayBuffer()
      expect(await redis.pttl(`${own}:assets:${idOf(path)}`)).toBeGreaterThan(3_540_000)
      // Nor does an instance's trust in its own last check: a stored result right after a plain answer still extends it.
      const plain = (await (await t.fetch('/actions/chart?n=5')).json()).image.href
      const stored = await t.fetch('/actions/chart?n=5&store=true')
      expect(stored.status).toBe(200)
      expect(await redis.pttl(`${own}:assets:${idOf(plain)}`)).toBeGreaterThan(3_540_000)
    } finally {
      await t.close()
      await deleteKeys(own)
    }
  })

  it('refuses an asset over 64 MiB with a 500 problem, writing nothing', async () => {
    const res = await a.fetch('/actions/huge')
    expect(res.status).toBe(500)
    expect((await res.json()).type).toBe('urn:serval:problem:invalid-output')
    const id = base58btc.encode(new Uint8Array([0x12, 0x20, ...createHash('sha256').update(new Uint8Array(MAX_ASSET_BYTES + 1)).digest()]))
    expect(await redis.exists(`${prefix}:assets:${id}`)).toBe(0)
  })

  it('lets Redis expire an asset assets_retention_s after the last answer, then answers a 404 problem on every instance', async () => {
    const own = uniquePrefix('assets-expiry')
    const [t, other] = await Promise.all([1, 2].map(() => createTestServer({ actions }, { ...shared, redis_prefix: own, assets_retention_s: 1 })))
    try {
      const { image } = await (await t!.fetch('/actions/chart?n=3')).json()
      const path = `/assets/${idOf(image.href)}`
      expect((await other!.fetch(path)).status).toBe(200)
      const gone = await eventually(async () => {
        const res = await other!.fetch(path)
        return res.status === 404 ? res : undefined
      }, 'the asset expires', 5000)
      expect(gone.headers.get('content-type')).toContain('application/problem+json')
    } finally {
      await Promise.all([t?.close(), other?.close()])
      await deleteKeys(own)
    }
  })
})

describe('assets with Redis down', () => {
  it('answers an action with an asset, and GET /assets/{id}, with a 503 problem at once, never a hang', { timeout: 8000 }, async () => {
    const t = await createTestServer({ actions }, { redis_url: 'redis://127.0.0.1:1', redis_prefix: uniquePrefix('assets-down'), workers: 0 })
    try {
      const answer = await t.fetch('/actions/chart')
      expect(answer.status).toBe(503)
      expect(answer.headers.get('content-type')).toContain('application/problem+json')
      expect(answer.headers.get('retry-after')).toBe('1')
      const read = await t.fetch('/assets/zQmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco')
      expect(read.status).toBe(503)
      expect((await t.fetch('/actions/picture')).status).toBe(503)
    } finally {
      await t.close()
    }
  })
})
