import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Type } from '@sinclair/typebox'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { FileResultStore } from '../src/results/index.ts'
import { bearer, hs256, SECRET } from './security/support.ts'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'

// Stored results with redis_url: what one instance stored, every instance reads.
const hasRedis = await redisAvailable('stored results on Redis')
const prefix = uniquePrefix('results')
const actions = [action({ name: 'report', store: true, output: Type.Object({ total: Type.Number() }) }, () => ({ total: 42 }))].map((a) => ({ action: a, exportName: a.def.name! }))

describe.skipIf(!hasRedis)('stored results on Redis', () => {
  let a: TestServer
  let b: TestServer
  beforeAll(async () => {
    const settings = { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0, auth_mode: 'jwt', jwt_secret: SECRET }
    ;[a, b] = await Promise.all([createTestServer({ actions }, settings), createTestServer({ actions }, settings)])
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    await deleteKeys(prefix)
  })

  it('reads through one instance what another stored, for its owner only', async () => {
    const alice = bearer(await hs256({ sub: 'alice' }))
    const stored = await a.fetch('/actions/report', { method: 'POST', headers: alice })
    const path = new URL(stored.headers.get('location')!).pathname
    const back = await b.fetch(path, { headers: alice })
    expect(back.status).toBe(200)
    expect(await back.json()).toEqual({ total: 42 })
    expect((await b.fetch(path, { headers: bearer(await hs256({ sub: 'bob' })) })).status).toBe(404)
    expect((await b.fetch(path)).status).toBe(404)
  })

  it('lets Redis expire a result after results_retention_s', async () => {
    const short = await createTestServer({ actions }, { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0, results_retention_s: 1 })
    try {
      const path = new URL((await short.fetch('/actions/report', { method: 'POST' })).headers.get('location')!).pathname
      expect((await short.fetch(path)).status).toBe(200)
      await eventually(async () => ((await short.fetch(path)).status === 404 ? true : undefined), 'the result expires', 5000)
    } finally {
      await short.close()
    }
  })
})

describe('stored results with Redis down', () => {
  it('answers a store with a 503 problem at once, never a hang or a lost result', async () => {
    const t = await createTestServer({ actions }, { redis_url: 'redis://127.0.0.1:1', workers: 0 })
    try {
      const res = await t.fetch('/actions/report', { method: 'POST' })
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('1')
    } finally {
      await t.close()
    }
  })
})

describe('the file result store', () => {
  it('sweeps expired results and stale temporary files, keeping live ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-results-'))
    try {
      const store = new FileResultStore(dir)
      const body = Buffer.from('{}')
      const live = await store.save({ status: 200, contentType: 'application/json', body, owner: null, expiresAt: Date.now() + 60_000 })
      await store.save({ status: 200, contentType: 'application/json', body, owner: null, expiresAt: Date.now() - 1 })
      writeFileSync(join(dir, 'junk.json'), 'not json')
      expect(await store.sweep()).toBe(2)
      expect(readdirSync(dir)).toEqual([`${live}.json`])
      expect(await store.get(live)).toMatchObject({ status: 200 })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
