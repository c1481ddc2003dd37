import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from '../support/redis.ts'
import { ran, runs } from './support.ts'

const lookup = action({ name: 'lookup', http: 'GET', cache: { ttl: 60 } }, () => ({ run: ran('lookup') }))
const sources = [{ action: lookup, exportName: 'lookup' }]
const available = await redisAvailable('the Redis result cache')
const prefix = uniquePrefix('cache')

describe.skipIf(!available)('the result cache on Redis', () => {
  let a: TestServer
  let b: TestServer
  beforeAll(async () => {
    a = await createTestServer({ actions: sources }, { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0 })
    b = await createTestServer({ actions: sources }, { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0 })
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    await deleteKeys(prefix)
  })

  it('is shared by two instances: one runs the handler, the other answers HIT', async () => {
    const first = await a.fetch('/actions/lookup')
    expect(first.headers.get('x-cache')).toBe('MISS')
    const second = await b.fetch('/actions/lookup')
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(await second.json()).toEqual(await first.json())
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(runs.get('lookup')).toBe(1)
  })
})

describe('the result cache with Redis down', () => {
  it('degrades to a miss: the call runs and answers 200', async () => {
    const t = await createTestServer({ actions: sources }, { redis_url: 'redis://127.0.0.1:1', redis_prefix: uniquePrefix('cache-down'), workers: 0 })
    try {
      const before = runs.get('lookup') ?? 0
      for (const _ of [1, 2]) {
        const res = await t.fetch('/actions/lookup')
        expect(res.status).toBe(200)
        expect(res.headers.get('x-cache')).toBe('MISS')
      }
      expect(runs.get('lookup')).toBe(before + 2)
    } finally {
      await t.close()
    }
  })
})
