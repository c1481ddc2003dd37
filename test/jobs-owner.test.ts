import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action, jobsOf } from 'serval'
import { SYSTEM_OWNER } from '../src/jobs/index.ts'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from './security/support.ts'
import { call, gate, jobStatus, submit } from './support/jobs.ts'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from './support/redis.ts'

// Jobs nobody submitted over HTTP (a direct submit, a schedule's tick) must not fall to anonymous callers.
const hold = gate()
const actions = [
  action({ name: 'payroll' }, () => ({ salary: 'secret' })),
  action({ name: 'slowPayroll' }, async (_input, ctx) => {
    await Promise.race([hold.promise, new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))])
    return { salary: 'secret' }
  }),
  action({ name: 'hello', access: 'public' }, () => 'hi'),
].map((a) => ({ action: a, exportName: a.def.name! }))

let t: TestServer
let alice: Record<string, string>
let impostor: Record<string, string>

beforeAll(async () => {
  t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET })
  alice = bearer(await hs256({ sub: 'alice' }))
  impostor = bearer(await hs256({ sub: 'serval:system' }))
})
afterAll(async () => {
  hold.open()
  await t.close()
})

/** Submits `name` as trusted code does (no caller), and waits until it is `status`. */
async function directJob(name: string, status?: string): Promise<string> {
  const jobs = jobsOf(t.app)
  const job = await jobs.submit(t.app.registry.get(name)!, {}, { principal: null })
  if (status) await jobs.wait(job.id, undefined, AbortSignal.timeout(5000)).catch(() => undefined)
  return job.id
}

const listed = async (headers: Record<string, string> = {}) => ((await call(t, 'GET', '/jobs?limit=100', undefined, headers)).body.items as { id: string }[]).map((j) => j.id)

describe('with auth_mode=jwt, jobs without a submitter', () => {
  it('a direct submit is neither listed nor readable by an anonymous caller, a user, or a token claiming sub serval:system', async () => {
    const id = await directJob('payroll', 'succeeded')
    for (const headers of [{}, alice, impostor]) {
      expect(await listed(headers)).not.toContain(id)
      expect((await call(t, 'GET', `/jobs/${id}`, undefined, headers)).status).toBe(404)
      expect((await call(t, 'GET', `/jobs/${id}/result`, undefined, headers)).status).toBe(404)
    }
  })

  it('a direct submit cannot be cancelled by an anonymous DELETE', async () => {
    const id = await directJob('slowPayroll')
    expect((await call(t, 'DELETE', `/jobs/${id}`)).status).toBe(404)
    expect((await jobsOf(t.app).backend().then((b) => b.get(id)))?.status).not.toBe('cancelled')
  })

  it("a schedule's tick stored as a job (as BullMQ stores them) is hidden from anonymous callers", async () => {
    const id = randomUUID()
    const backend = await jobsOf(t.app).backend()
    await backend.enqueue({ id, action: 'hello', input: {}, principal: null, trigger: 'schedule', createdAt: Date.now() })
    expect(await listed()).not.toContain(id)
    expect((await call(t, 'GET', `/jobs/${id}`)).status).toBe(404)
    expect((await call(t, 'GET', `/jobs/${id}/result`)).status).toBe(404)
    expect((await call(t, 'DELETE', `/jobs/${id}`)).status).toBe(404)
  })

  it("an anonymous caller's own job of a public action stays readable by its id, but is not listed to other anonymous callers", async () => {
    const id = await submit(t, 'hello', {})
    await jobStatus(t, id, 'succeeded')
    expect((await call(t, 'GET', `/jobs/${id}/result`)).body).toBe('hi')
    expect(await listed()).not.toContain(id)
  })

  it("a user's own jobs are still theirs", async () => {
    const id = await submit(t, 'payroll', {}, alice)
    await jobStatus(t, id, 'succeeded', 5000, alice)
    expect(await listed(alice)).toContain(id)
    expect((await call(t, 'GET', `/jobs/${id}/result`, undefined, alice)).body).toEqual({ salary: 'secret' })
    expect((await call(t, 'GET', `/jobs/${id}`)).status).toBe(404)
  })

  it('a serval:admin principal lists, reads and cancels the system\'s jobs beside its own', async () => {
    const admin = bearer(await hs256({ sub: 'ops', scope: 'serval:admin' }))
    const done = await directJob('payroll', 'succeeded')
    const own = await submit(t, 'payroll', {}, admin)
    await jobStatus(t, own, 'succeeded', 5000, admin)
    const ids = await listed(admin)
    expect(ids).toContain(done)
    expect(ids).toContain(own)
    expect((await call(t, 'GET', `/jobs/${done}/result`, undefined, admin)).body).toEqual({ salary: 'secret' })
    const running = await directJob('slowPayroll')
    expect((await call(t, 'DELETE', `/jobs/${running}`, undefined, admin)).status).toBeLessThan(300)
  })

  it('a token whose sub is the reserved serval:system cannot submit jobs', async () => {
    expect((await call(t, 'POST', '/jobs/payroll', {}, impostor)).status).toBe(403)
  })
})

const hasRedis = await redisAvailable('schedule ticks on Redis')

describe.skipIf(!hasRedis)('with auth_mode=jwt on Redis, a schedule tick (a BullMQ job)', () => {
  const prefix = uniquePrefix('owner')
  let r: TestServer
  const ticking = [action({ name: 'tick', schedule: { every: '1s' } }, () => ({ salary: 'secret' }))].map((a) => ({ action: a, exportName: a.def.name! }))

  beforeAll(async () => {
    r = await createTestServer({ actions: ticking }, { auth_mode: 'jwt', jwt_secret: SECRET, redis_url: REDIS_URL, redis_prefix: prefix, workers: 1 })
  })
  afterAll(async () => {
    await r?.close()
    await deleteKeys(prefix)
  })

  it('is owned by the system: not listed, read or cancelled by an anonymous caller, yet trusted code sees it', async () => {
    const tick = await eventually(async () => (await jobsOf(r.app).list({ limit: 10, offset: 0 }, SYSTEM_OWNER)).items.find((j) => j.status === 'succeeded'), 'a finished tick')
    expect(tick.trigger).toBe('schedule')
    expect(((await call(r, 'GET', '/jobs')).body.items as unknown[]).length).toBe(0)
    expect((await call(r, 'GET', '/jobs', undefined, alice)).body.items).toEqual([])
    expect((await call(r, 'GET', `/jobs/${tick.id}/result`)).status).toBe(404)
    expect((await call(r, 'DELETE', `/jobs/${tick.id}`)).status).toBe(404)
  })
})
