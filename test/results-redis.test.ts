import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

  it('keeps the body\'s bytes as they are (newlines and non-UTF-8 bytes too), a head a sweep reads alone, and reads results stored in the earlier form', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-results-'))
    try {
      const store = new FileResultStore(dir)
      const body = Buffer.from([0x7b, 0x0a, 0xff, 0x00, 0x0a, 0x7d])
      const id = await store.save({ status: 200, contentType: 'application/octet-stream', body, owner: 'alice', expiresAt: Date.now() + 60_000 })
      const raw = readFileSync(join(dir, `${id}.json`))
      // One JSON line, then the bytes: no base64 (which would grow the body by a third).
      expect(raw.byteLength).toBe(raw.indexOf(10) + 1 + body.byteLength)
      expect(await store.get(id)).toEqual({ status: 200, contentType: 'application/octet-stream', body, owner: 'alice', expiresAt: expect.any(Number) })
      // The form of earlier versions: one JSON text, the body base64.
      const old = 'AAAAAAAAAAAAAAAAAAAAAA'
      const expiresAt = Date.now() + 60_000
      writeFileSync(join(dir, `${old}.json`), JSON.stringify({ status: 200, contentType: 'application/json', owner: null, expiresAt, body: Buffer.from('{"total":42}').toString('base64') }))
      expect(await store.get(old)).toEqual({ status: 200, contentType: 'application/json', owner: null, expiresAt, body: Buffer.from('{"total":42}') })
      expect(await store.sweep()).toBe(0)
      expect(readdirSync(dir).sort()).toEqual([`${id}.json`, `${old}.json`].sort())
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
