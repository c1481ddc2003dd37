import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { createTestServer, type TestServer } from 'serval/testing'
import { ROOT } from './support/cli.ts'
import { call } from './support/jobs.ts'
import { startRedisProxy, type RedisProxy } from './support/proxy.ts'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'
import { spawnServal, stop } from './support/serval-process.ts'
import { waitForLine } from './support/cli.ts'

// An API instance and a worker reach Redis through a proxy this test opens,
// cuts and blackholes: an outage of their own, the shared Redis untouched.
const DIRS = [join(ROOT, 'test/fixtures/jobs')]
const hasRedis = await redisAvailable('Redis outages')
const prefix = uniquePrefix('outage')
let proxy: RedisProxy
let api: TestServer
let redis: Redis

/** A request that gives up after 5 s, as a client would: a hang is a test failure, not a stuck run. */
async function bounded(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    signal: AbortSignal.timeout(5000),
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') }
}

const ready = () => eventually(async () => ((await call(api, 'GET', '/_sys/ready')).status === 200 ? true : undefined), 'the API to be ready again', 15_000)
const queued = async () => (await redis.lrange(`${prefix}:jobs:wait`, 0, -1)).length

describe.skipIf(!hasRedis)('a Redis outage', () => {
  beforeAll(async () => {
    proxy = await startRedisProxy()
    redis = new Redis(REDIS_URL)
    api = await createTestServer({ dirs: DIRS }, { redis_url: proxy.url, redis_prefix: prefix, workers: 0 })
  })

  afterAll(async () => {
    await api?.close()
    await proxy?.close()
    await deleteKeys(prefix)
    redis?.disconnect()
  })

  it('answers POST and GET /jobs with a 503 problem at once while Redis is gone, and never runs the refused submit later', async () => {
    expect((await call(api, 'GET', '/jobs')).status).toBe(200) // the backend is open (it opens on first use)
    expect((await call(api, 'GET', '/_sys/ready')).status).toBe(200)
    proxy.mode('down')
    try {
      const refused = await bounded('POST', '/jobs/echo', { text: 'refused' }).catch((error: Error) => ({ status: 0, body: error.name }))
      expect(refused).toMatchObject({ status: 503, body: { type: 'urn:serval:problem:unavailable' }, retryAfter: '1' })
      expect((await bounded('GET', '/jobs').catch(() => ({ status: 0 }))).status).toBe(503)
      const notReady = await bounded('GET', '/_sys/ready')
      expect(notReady.status).toBe(503)
      // Outside dev mode, where Redis is stays out of the answers.
      expect(JSON.stringify([refused, notReady])).not.toContain(new URL(proxy.url).port)
    } finally {
      proxy.mode('open')
    }
    await ready()
    // Commands on one connection run in order: once this one is in, the refused one would be too.
    expect((await bounded('POST', '/jobs/echo', { text: 'after' })).status).toBe(202)
    expect(await queued()).toBe(1)
  }, 30_000)

  it('answers 503 when Redis hangs (no reply), and is ready again once it answers', async () => {
    await ready()
    const before = await queued()
    proxy.mode('blackhole')
    try {
      expect((await bounded('POST', '/jobs/echo', { text: 'hung' }).catch(() => ({ status: 0 }))).status).toBe(503)
      expect((await bounded('GET', '/jobs/00000000-0000-4000-8000-000000000000').catch(() => ({ status: 0 }))).status).toBe(503)
      expect((await bounded('GET', '/_sys/ready').catch(() => ({ status: 0 }))).status).toBe(503)
    } finally {
      proxy.mode('open')
    }
    await ready()
    expect((await bounded('POST', '/jobs/echo', { text: 'after' })).status).toBe(202)
    expect(await queued()).toBe(before + 1)
  }, 30_000)

  it('a worker reports a long outage in a few log lines, not one per reconnect attempt', async () => {
    const worker = spawnServal(['worker', ...DIRS, '--redis-url', proxy.url, '--redis-prefix', prefix, '--workers', '2', '--log-level', 'info'])
    let warnings = 0
    worker.stdout?.on('data', (chunk: Buffer) => (warnings += chunk.toString().split('\n').filter((l) => l.includes('"level":40')).length))
    try {
      await waitForLine(worker, /Serval worker running/, 30_000)
      await eventually(() => (proxy.upstreamPorts().size >= 3 ? true : undefined), 'the worker to connect', 20_000)
      proxy.mode('down')
      // Every connection of the worker keeps trying; 20 attempts is a few seconds of backoff.
      await eventually(() => (proxy.refused >= 20 ? true : undefined), '20 reconnect attempts', 30_000)
      expect(warnings).toBeGreaterThanOrEqual(1)
      expect(warnings).toBeLessThanOrEqual(3)
    } finally {
      proxy.mode('open')
      await stop(worker)
    }
  }, 60_000)
})
