import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from '../security/support.ts'
import { gate } from '../support/jobs.ts'

/** The admin views over a real server under auth: `/_sys/requests`, `GET`/`PATCH /_sys/config`, persisted in data_dir. */

const release = gate()
const started = gate()
const block = action({ access: 'public' }, async () => {
  started.open()
  await release.promise
  return 'released'
})
const hello = action({ access: 'public', input: z.object({ name: z.string() }), output: z.string() }, ({ name }) => `hi ${name}`)
const level = action({ access: 'public', http: 'GET', output: z.string() }, (_in, ctx) => ctx.log.level)
const actions = [
  { action: block, exportName: 'block' },
  { action: hello, exportName: 'hello' },
  { action: level, exportName: 'level' },
]

const dataDir = mkdtempSync(join(tmpdir(), 'serval-admin-'))
const settings = { auth_mode: 'jwt', jwt_secret: SECRET, data_dir: dataDir, shutdown_grace_s: 0 } as const
let t: TestServer
let admin: Record<string, string>
let user: Record<string, string>

beforeAll(async () => {
  t = await createTestServer({ actions }, settings)
  admin = bearer(await hs256({ sub: 'ops', scope: 'serval:admin' }))
  user = bearer(await hs256({ sub: 'ada' }))
})
afterAll(async () => {
  release.open()
  await t.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const MERGE = 'application/merge-patch+json'
const patch = (body: string, headers: Record<string, string> = admin, type = MERGE) => t.fetch('/_sys/config', { method: 'PATCH', headers: { ...headers, 'content-type': type }, body })
const config = async () => (await t.fetch('/_sys/config', { headers: admin })).json()
const hi = () => t.fetch('/actions/hello', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' })

describe('who may use the admin views', () => {
  it.each(['/_sys/config', '/_sys/requests'])('%s: 401 + Bearer challenge without a token, 403 without serval:admin, 200 with it', async (path) => {
    const none = await t.fetch(path)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect((await none.json()).type).toBe('urn:serval:problem:unauthorized')
    const plain = await t.fetch(path, { headers: user })
    expect(plain.status).toBe(403)
    expect((await plain.json()).type).toBe('urn:serval:problem:forbidden')
    expect(plain.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", .*scope="serval:admin"$/)
    expect((await t.fetch(path, { headers: bearer('not-a-token') })).status).toBe(401)
    expect((await t.fetch(path, { headers: admin })).status).toBe(200)
  })

  it('a PATCH without serval:admin is refused and changes nothing', async () => {
    expect((await patch('{"log_level":"error"}', user)).status).toBe(403)
    expect((await config()).log_level).toBe('silent')
  })

  it('is open in dev mode', async () => {
    const dev = await createTestServer({ actions }, { dev_mode: true })
    try {
      expect((await dev.fetch('/_sys/config')).status).toBe(200)
      expect((await dev.fetch('/_sys/requests')).status).toBe(200)
    } finally {
      await dev.close()
    }
  })
})

describe('GET /_sys/requests', () => {
  it('lists the requests in flight with their action, method, path, caller and age', async () => {
    const running = t.fetch('/actions/block?x=1', { method: 'POST', headers: user })
    await started.promise
    const res = await t.fetch('/_sys/requests', { headers: admin })
    const { count, requests } = await res.json()
    const row = requests.find((r: { action: string }) => r.action === 'block')
    expect(row).toMatchObject({ action: 'block', method: 'POST', path: '/actions/block', sub: 'ada' })
    expect(typeof row.id).toBe('string')
    expect(Date.parse(row.startedAt)).toBeLessThanOrEqual(Date.now())
    expect(row.ageMs).toBeGreaterThanOrEqual(0)
    expect(requests.find((r: { path: string }) => r.path === '/_sys/requests')).toMatchObject({ action: null, sub: 'ops' }) // the listing itself
    expect(count).toBe(requests.length)
    release.open()
    expect(await (await running).json()).toBe('released')
    await vi.waitFor(async () => expect((await (await t.fetch('/_sys/requests', { headers: admin })).json()).count).toBe(1)) // only the listing
  })
})

describe('PATCH /_sys/config', () => {
  it('GET answers every runtime setting, each action with its state', async () => {
    expect(await config()).toEqual({ log_level: 'silent', actions: { block: { enabled: true }, hello: { enabled: true }, level: { enabled: true } }, rate_limit: { max: 0, window_s: 60 } })
  })

  it('disables an action: 503 action-disabled over HTTP, for jobs and direct calls; null re-enables it', async () => {
    const res = await patch('{"actions":{"hello":{"enabled":false}}}')
    expect(res.status).toBe(200)
    expect((await res.json()).actions.hello).toEqual({ enabled: false })
    const off = await hi()
    expect(off.status).toBe(503)
    expect(await off.json()).toMatchObject({ type: 'urn:serval:problem:action-disabled', detail: 'The action "hello" is disabled' })
    const job = await t.fetch('/jobs/hello', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' })
    expect(job.status).toBe(503)
    await expect(t.app.call('hello', { name: 'x' })).rejects.toMatchObject({ code: 'action-disabled' })
    const graphql = await t.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { hello(name: "x") }' }) })
    expect((await graphql.json()).errors?.[0]?.extensions).toMatchObject({ code: 'action-disabled', status: 503 })
    expect((await t.fetch('/actions/block', { method: 'POST' })).status).not.toBe(503) // the others are untouched: it answers once released
    expect((await patch('{"actions":{"hello":null}}')).status).toBe(200)
    expect((await hi()).status).toBe(200)
  })

  it('changes the live logger level; null goes back to the startup level; application/json is accepted too', async () => {
    expect((await patch('{"log_level":"warn"}', admin, 'application/json')).status).toBe(200)
    expect(t.app.logger.level).toBe('warn')
    expect(await (await t.fetch('/actions/level')).json()).toBe('warn') // ctx.log of the calls that follow
    expect((await patch('{"log_level":null}')).status).toBe(200)
    expect(t.app.logger.level).toBe('silent')
  })

  it('turns the default rate limit on and off without a restart', async () => {
    expect((await patch('{"rate_limit":{"max":1,"window_s":60}}')).status).toBe(200)
    expect((await hi()).status).toBe(200)
    const limited = await hi()
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect((await patch('{"rate_limit":null}')).status).toBe(200)
    expect((await config()).rate_limit).toEqual({ max: 0, window_s: 60 })
    expect((await hi()).status).toBe(200)
  })

  it.each([
    ['an unknown key', '{"log_level":"warn","colour":"red"}', ['/colour']],
    ['an unknown action', '{"actions":{"nope":{"enabled":false}}}', ['/actions/nope']],
    ['a wrong type', '{"actions":{"hello":{"enabled":"no"}},"log_level":3}', ['/log_level', '/actions/hello/enabled']],
    ['a bad level', '{"log_level":"loud"}', ['/log_level']],
    ['an unknown field of an action', '{"actions":{"hello":{"enabled":false,"weight":2}}}', ['/actions/hello/weight']],
    ['a bad rate limit', '{"rate_limit":{"max":-1,"window_s":0,"burst":1}}', ['/rate_limit/max', '/rate_limit/window_s', '/rate_limit/burst']],
    ['not an object', '[{"log_level":"warn"}]', ['']],
    ['a scalar', '"warn"', ['']],
    ['actions not an object', '{"actions":true}', ['/actions']],
  ])('%s is a 422 listing every problem, and changes nothing', async (_case, body, paths) => {
    const before = await config()
    const res = await patch(body)
    expect(res.status).toBe(422)
    const problem = await res.json()
    expect(problem.type).toBe('urn:serval:problem:invalid-input')
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([...paths].sort())
    expect(await config()).toEqual(before)
    expect(t.app.logger.level).toBe('silent')
  })

  it('a body that is not JSON is a 400, another content type a 415', async () => {
    expect((await patch('{"log_level":')).status).toBe(400)
    expect((await patch('log_level=warn', admin, 'text/plain')).status).toBe(415)
  })

  it('answers 405 + Allow for other methods', async () => {
    const res = await t.fetch('/_sys/config', { method: 'DELETE', headers: admin })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toMatch(/PATCH/)
  })
})

describe('persistence in data_dir', () => {
  it('keeps only the overrides, written whole, and a restart on the same data_dir applies them', async () => {
    expect((await patch('{"log_level":"error","actions":{"hello":{"enabled":false}},"rate_limit":{"window_s":30}}')).status).toBe(200)
    const file = join(dataDir, 'runtime-config.json')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ log_level: 'error', actions: { hello: { enabled: false } }, rate_limit: { window_s: 30 } })
    await t.close()
    t = await createTestServer({ actions }, settings)
    expect(await config()).toEqual({ log_level: 'error', actions: { block: { enabled: true }, hello: { enabled: false }, level: { enabled: true } }, rate_limit: { max: 0, window_s: 30 } })
    expect(t.app.logger.level).toBe('error')
    expect((await hi()).status).toBe(503)
    expect((await patch('{"log_level":null,"actions":null,"rate_limit":null}')).status).toBe(200)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({})
    expect((await hi()).status).toBe(200)
  })

  it('refuses to start on a stored document that is not valid, naming the file', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'serval-admin-bad-'))
    try {
      writeFileSync(join(bad, 'runtime-config.json'), '{"log_level":"loud"}')
      await expect(createTestServer({ actions }, { ...settings, data_dir: bad })).rejects.toThrow(/runtime-config\.json: \/log_level must be one of/)
      writeFileSync(join(bad, 'runtime-config.json'), '{not json')
      await expect(createTestServer({ actions }, { ...settings, data_dir: bad })).rejects.toThrow(/runtime-config\.json: is not valid JSON/)
    } finally {
      rmSync(bad, { recursive: true, force: true })
    }
  })

  it('forgets the switch of an action that no longer exists', async () => {
    const gone = mkdtempSync(join(tmpdir(), 'serval-admin-gone-'))
    try {
      writeFileSync(join(gone, 'runtime-config.json'), '{"actions":{"removed":{"enabled":false},"hello":{"enabled":false}}}')
      const s = await createTestServer({ actions }, { ...settings, data_dir: gone })
      try {
        expect((await (await s.fetch('/_sys/config', { headers: admin })).json()).actions).toEqual({ block: { enabled: true }, hello: { enabled: false }, level: { enabled: true } })
      } finally {
        await s.close()
      }
    } finally {
      rmSync(gone, { recursive: true, force: true })
    }
  })
})
