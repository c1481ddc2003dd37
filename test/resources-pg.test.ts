import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openResources } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { runServal } from './support/serval-process.ts'
import { DATABASE_URL, postgresAvailable } from './support/postgres.ts'

// examples/resources.ts against the machine's PostgreSQL: the pool opens, the action queries it, shutdown ends it.
const up = await postgresAvailable('examples/resources.ts (PostgreSQL)')

describe.runIf(up)('examples/resources.ts on PostgreSQL', () => {
  let t: TestServer
  const saved = process.env.DATABASE_URL
  beforeAll(async () => {
    process.env.DATABASE_URL = DATABASE_URL
    t = await createTestServer({ dirs: ['examples/resources.ts'] })
    await openResources(t.app)
  })
  afterAll(async () => {
    await t?.close()
    if (saved === undefined) delete process.env.DATABASE_URL
    else process.env.DATABASE_URL = saved
  })

  it('answers from the database through ctx.resources.pg', async () => {
    expect((await t.fetch('/_sys/ready')).status).toBe(200)
    const res = await t.fetch('/actions/database-now')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { now: string; database: string }
    expect(body.database).toBe(new URL(DATABASE_URL).pathname.slice(1))
    expect(Date.parse(body.now)).toBeGreaterThan(0)
  })

  it('ends the pool on shutdown: a call after close cannot use it', async () => {
    const pool = (t.app.resources as { pg: import('pg').Pool }).pg
    await t.close()
    expect(pool.ending || pool.ended).toBe(true)
  })
})

describe('examples/resources.ts without a database', () => {
  it('a failing open exits 1 naming the resource (serval serve)', async () => {
    const r = await runServal(['serve', 'examples/resources.ts', '--port', '0'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/serval: Resource "pg" \(examples\/resources\.ts\) failed to open: .*ECONNREFUSED/)
  })

  it('unset DATABASE_URL: the server is ready and the action answers a 503 saying why', async () => {
    const saved = process.env.DATABASE_URL
    delete process.env.DATABASE_URL
    const t = await createTestServer({ dirs: ['examples/resources.ts'] })
    try {
      await openResources(t.app)
      expect((await t.fetch('/_sys/ready')).status).toBe(200)
      const res = await t.fetch('/actions/database-now')
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ type: 'urn:serval:problem:resource-unavailable', detail: 'The resource "pg" is disabled: DATABASE_URL is not set' })
    } finally {
      await t.close()
      if (saved !== undefined) process.env.DATABASE_URL = saved
    }
  })
})
