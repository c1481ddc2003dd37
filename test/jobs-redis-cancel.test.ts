import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { createTestServer, type TestServer } from 'serval/testing'
import { ROOT } from './support/cli.ts'
import { call, jobWhere, submit } from './support/jobs.ts'
import { startRedisProxy, type RedisProxy } from './support/proxy.ts'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'

// A worker that reaches Redis through this test's proxy (so the test knows
// which Redis connections are its own), and an API instance that does not.
const DIRS = [join(ROOT, 'test/fixtures/jobs')]
const hasRedis = await redisAvailable('durable cancel on Redis')
const prefix = uniquePrefix('cancel')
const tmp = mkdtempSync(join(tmpdir(), 'serval-cancel-'))
let proxy: RedisProxy
let worker: TestServer
let api: TestServer
let redis: Redis

/** The Redis client ids of the worker's connections that are subscribed to a channel. */
async function workerSubscribers(): Promise<string[]> {
  const ports = proxy.upstreamPorts()
  const list = (await redis.client('LIST')) as string
  return list
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string])))
    .filter((c) => ports.has(Number(c.addr?.split(':')[1])) && Number(c.sub) > 0)
    .map((c) => c.id!)
}

describe.skipIf(!hasRedis)('cancel on Redis', () => {
  beforeAll(async () => {
    proxy = await startRedisProxy()
    redis = new Redis(REDIS_URL)
    worker = await createTestServer({ dirs: DIRS }, { redis_url: proxy.url, redis_prefix: prefix, workers: 2 })
    api = await createTestServer({ dirs: DIRS }, { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0 })
  })

  afterAll(async () => {
    await worker?.close()
    await api?.close()
    await proxy?.close()
    await deleteKeys(prefix)
    redis?.disconnect()
    rmSync(tmp, { recursive: true, force: true })
  })

  it("stops the handler of a job cancelled while its worker's cancel channel was cut (CLIENT KILL)", async () => {
    const marker = join(tmp, 'aborted.txt')
    const id = await submit(api, 'slow-count', { steps: 100, delayMs: 50, marker })
    await jobWhere(api, id, (j) => j.status === 'running' && j.progress !== undefined, 'to run')
    const [subscriber, ...others] = await eventually(async () => ((await workerSubscribers()).length ? workerSubscribers() : undefined), "the worker's subscriber")
    expect(others).toEqual([])
    // Cut it, and keep it from coming back until the cancel was published.
    proxy.mode('no-new')
    await redis.client('KILL', 'ID', subscriber!)
    const res = await call(api, 'DELETE', `/jobs/${id}`)
    expect(res.status).toBe(202)
    proxy.mode('open')
    const job = await jobWhere(api, id, (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status), 'to finish', 15_000)
    expect(job.status).toBe('cancelled')
    expect(existsSync(marker) && readFileSync(marker, 'utf8')).toBe(`aborted in ${process.pid}`)
  }, 30_000)
})
