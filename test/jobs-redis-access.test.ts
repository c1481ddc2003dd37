import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { action, type Principal } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { jobsOf } from '../src/jobs/index.ts'
import { call } from './support/jobs.ts'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'
import { bearer, hs256, SECRET } from './security/support.ts'

// An API instance (no workers: jobs stay queued) with auth on, a scheduled
// action (its BullMQ scheduler keeps a template hash next to the jobs) and
// an action users submit.
const hasRedis = await redisAvailable('job ids and listings on Redis')
const prefix = uniquePrefix('access')
const actions = [
  action({ name: 'nightly', http: false, schedule: { every: '1h' } }, () => undefined),
  action({ name: 'note', access: 'authenticated' }, () => 'ok'),
].map((a) => ({ action: a, exportName: a.def.name! }))
let t: TestServer
let redis: Redis

const user = (sub: string): Principal => ({ sub, scopes: [], groups: [], claims: {} })

describe.skipIf(!hasRedis)('job ids on Redis', () => {
  beforeAll(async () => {
    redis = new Redis(REDIS_URL)
    t = await createTestServer({ actions }, { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0, auth_mode: 'jwt', jwt_secret: SECRET })
  })

  afterAll(async () => {
    await t?.close()
    await deleteKeys(prefix)
    redis?.disconnect()
  })

  it("never treats BullMQ's own keys as jobs: the scheduler's template, the queue's meta, its id counter are 404s and stay untouched", async () => {
    const template = `${prefix}:jobs:repeat:schedule-nightly`
    const before = await eventually(async () => ((await redis.exists(template)) ? redis.hgetall(template) : undefined), 'the scheduler template')
    expect((await call(t, 'DELETE', '/jobs/repeat:schedule-nightly')).status).toBe(404)
    expect(await redis.hgetall(template)).toEqual(before)
    for (const id of ['repeat:schedule-nightly', 'meta', 'id', 'events', 'wait', 'repeat', 'owner:-']) {
      expect((await call(t, 'GET', `/jobs/${id}`)).status, `GET /jobs/${id}`).toBe(404)
      expect((await call(t, 'GET', `/jobs/${id}/result`)).status, `GET /jobs/${id}/result`).toBe(404)
      expect((await call(t, 'DELETE', `/jobs/${id}`)).status, `DELETE /jobs/${id}`).toBe(404)
    }
  })

  it("still finds a schedule's tick by its id", async () => {
    const backend = await jobsOf(t.app).backend()
    const [tickId] = await eventually(async () => {
      // An `every` scheduler's first tick is due at once (waiting); later ones are delayed.
      const ids = [...(await redis.lrange(`${prefix}:jobs:wait`, 0, -1)), ...(await redis.zrange(`${prefix}:jobs:delayed`, 0, -1))]
      return ids.length ? ids : undefined
    }, 'the first tick')
    expect(tickId).toMatch(/^repeat:schedule-nightly:\d+$/)
    expect(await backend.get(tickId!)).toMatchObject({ id: tickId, action: 'nightly', trigger: 'schedule', status: 'queued' })
  })
})

describe.skipIf(!hasRedis)('GET /jobs on Redis', () => {
  const listPrefix = `${prefix}-list`
  let api: TestServer

  beforeAll(async () => {
    api = await createTestServer({ actions }, { redis_url: REDIS_URL, redis_prefix: listPrefix, workers: 0, auth_mode: 'jwt', jwt_secret: SECRET })
  })

  afterAll(async () => {
    await api?.close()
    await deleteKeys(listPrefix)
  })

  it("lists a user's job however many jobs another user submitted after it, and pages the other user's jobs to the end", async () => {
    const alice = bearer(await hs256({ sub: 'alice' }))
    const res = await call(api, 'POST', '/jobs/note', {}, alice)
    expect(res.status).toBe(202)
    const note = api.app.registry.get('note')!
    // More than the 1,000 newest jobs per state the listing used to read.
    for (let i = 0; i < 11; i++) await Promise.all(Array.from({ length: 100 }, () => jobsOf(api.app).submit(note, {}, { principal: user('bob') })))
    const own = await call(api, 'GET', '/jobs', undefined, alice)
    expect(own.body.items.map((j: { id: string }) => j.id)).toEqual([res.body.id])
    expect(own.body.next).toBeNull()
    expect((await call(api, 'GET', '/jobs?status=queued&action=note', undefined, alice)).body.items.map((j: { id: string }) => j.id)).toEqual([res.body.id])
    const bob = bearer(await hs256({ sub: 'bob' }))
    const first = await call(api, 'GET', '/jobs?limit=100', undefined, bob)
    expect(first.body.items).toHaveLength(100)
    expect(first.body.next).toBe('/jobs?limit=100&offset=100')
    const times = first.body.items.map((j: { createdAt: string }) => j.createdAt)
    expect([...times].sort().reverse()).toEqual(times)
    const last = await call(api, 'GET', '/jobs?limit=100&offset=1000', undefined, bob)
    expect(last.body.items).toHaveLength(100)
    expect(last.body.next).toBeNull()
    // A job removed after its retention leaves the listing, and its index entry goes with it.
    const redis = new Redis(REDIS_URL)
    try {
      const gone = first.body.items[0].id as string
      await redis.del(`${listPrefix}:jobs:${gone}`)
      const again = await call(api, 'GET', '/jobs?limit=100', undefined, bob)
      expect(again.body.items).toHaveLength(100)
      expect(again.body.items.map((j: { id: string }) => j.id)).not.toContain(gone)
      expect(await redis.zcard(`${listPrefix}:jobs:owner:u:bob`)).toBe(1099)
    } finally {
      redis.disconnect()
    }
  }, 60_000)
})
