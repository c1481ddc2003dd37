import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Type } from '@sinclair/typebox'
import { action, file, loadSettings, SettingsError } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from './security/support.ts'
import { eventually } from './support/redis.ts'

const actions = [
  action({ name: 'report', store: true, output: Type.Object({ total: Type.Number() }) }, () => ({ total: 42, hidden: 'not in the schema' }) as { total: number }),
  action({ name: 'echo', http: ['GET', 'POST'], input: Type.Object({ x: Type.Optional(Type.String()) }, { additionalProperties: false }) }, ({ x }) => ({ x })),
  action({ name: 'picture', http: 'GET', store: true }, () => file(new Uint8Array([137, 80, 78, 71]), 'image/png')),
  action({ name: 'quiet', store: true }, () => undefined),
  // One byte over the 64 MiB a stored result may hold, as JSON: the string and its two quotes.
  action({ name: 'huge', http: 'POST', output: Type.String() }, () => 'x'.repeat(64 * 1024 * 1024 - 1)),
].map((a) => ({ action: a, exportName: a.def.name! }))

describe('stored results', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions })
  })
  afterAll(() => t.close())

  async function readBack(res: Response): Promise<Response> {
    const location = res.headers.get('location')!
    expect(location).toMatch(new RegExp(`^${t.url}/results/[A-Za-z0-9_-]{22}$`))
    return fetch(location)
  }

  it('saves a store action\'s answer: GET /results/{id} gives the same status, content type and body', async () => {
    const res = await t.fetch('/actions/report', { method: 'POST' })
    expect(res.status).toBe(200)
    const body = await res.text()
    const again = await readBack(res)
    expect(again.status).toBe(200)
    expect(again.headers.get('content-type')).toBe(res.headers.get('content-type'))
    expect(await again.text()).toBe(body)
    expect(JSON.parse(body)).toEqual({ total: 42 })
  })

  it('stores a call that asks with ?store=true, without passing store to the input', async () => {
    const res = await t.fetch('/actions/echo?x=hi&store=true')
    expect(res.status).toBe(200)
    expect(await (await readBack(res)).json()).toEqual({ x: 'hi' })
    const plain = await t.fetch('/actions/echo?x=hi')
    expect(plain.headers.get('location')).toBeNull()
  })

  it('keeps binary outputs as assets (content-addressed, one copy) and 204s as they were', async () => {
    const first = await t.fetch('/actions/picture')
    expect(first.headers.get('location')).toMatch(/\/assets\/zQm\w+$/)
    expect(first.headers.get('location')).toBe((await t.fetch('/actions/picture')).headers.get('location'))
    const pic = await fetch(first.headers.get('location')!)
    expect(pic.headers.get('cache-control')).toContain('immutable')
    expect(pic.headers.get('content-type')).toBe('image/png')
    expect([...new Uint8Array(await pic.arrayBuffer())]).toEqual([137, 80, 78, 71])
    const none = await t.fetch('/actions/quiet', { method: 'POST' })
    expect(none.status).toBe(204)
    expect((await readBack(none)).status).toBe(204)
  })

  it('answers an unknown or malformed id with a 404 problem, and a bad ?store with a 422', async () => {
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', '..%2F..%2Fetc%2Fpasswd', 'x']) {
      const res = await t.fetch(`/results/${id}`)
      expect(res.status, id).toBe(404)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
    }
    const bad = await t.fetch('/actions/echo?store=maybe')
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({ detail: 'store: must be true or false', errors: [{ path: '/store', message: 'must be true or false' }] })
  })

  it('does not store a store action called with ?store=false, and passes no store to the input', async () => {
    const report = await t.fetch('/actions/report?store=false', { method: 'POST' })
    expect([report.status, report.headers.get('location'), await report.json()]).toEqual([200, null, { total: 42 }])
    const echo = await t.fetch('/actions/echo?x=hi&store=false')
    expect([echo.status, echo.headers.get('location'), await echo.json()]).toEqual([200, null, { x: 'hi' }])
  })
})

describe('stored results: base URL, owner, retention', () => {
  it('uses results_public_base_url, then public_base_url, either without its trailing slashes', async () => {
    const t = await createTestServer({ actions }, { results_public_base_url: 'https://results.example.com/r//', public_base_url: 'https://api.example.com' })
    const u = await createTestServer({ actions }, { public_base_url: 'https://api.example.com/v1//' })
    try {
      expect((await t.fetch('/actions/report', { method: 'POST' })).headers.get('location')).toMatch(/^https:\/\/results\.example\.com\/r\/results\/[\w-]{22}$/)
      expect((await u.fetch('/actions/report', { method: 'POST' })).headers.get('location')).toMatch(/^https:\/\/api\.example\.com\/v1\/results\/[\w-]{22}$/)
    } finally {
      await Promise.all([t.close(), u.close()])
    }
  })

  it('lets only the caller that stored a result read it', async () => {
    const t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET })
    try {
      const alice = bearer(await hs256({ sub: 'alice' }))
      const res = await t.fetch('/actions/report', { method: 'POST', headers: alice })
      const path = new URL(res.headers.get('location')!).pathname
      expect((await t.fetch(path, { headers: alice })).status).toBe(200)
      expect((await t.fetch(path, { headers: bearer(await hs256({ sub: 'bob' })) })).status).toBe(404)
      expect((await t.fetch(path)).status).toBe(404)
    } finally {
      await t.close()
    }
  })

  it('expires results after results_retention_s', async () => {
    const t = await createTestServer({ actions }, { results_retention_s: 1 })
    try {
      const path = new URL((await t.fetch('/actions/report', { method: 'POST' })).headers.get('location')!).pathname
      expect((await t.fetch(path)).status).toBe(200)
      await eventually(async () => ((await t.fetch(path)).status === 404 ? true : undefined), 'the result expires', 5000)
    } finally {
      await t.close()
    }
  })

  it('refuses to store a result over 64 MiB with a 500 problem and stores nothing, while the same call unstored answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-results-'))
    const t = await createTestServer({ actions }, { data_dir: dir })
    try {
      const stored = await t.fetch('/actions/huge?store=true', { method: 'POST' })
      expect(stored.status).toBe(500)
      expect(stored.headers.get('location')).toBeNull()
      expect(await stored.json()).toMatchObject({ type: 'urn:serval:problem:invalid-output', detail: `A stored result may hold at most ${64 * 1024 * 1024} bytes; this one has ${64 * 1024 * 1024 + 1}` })
      expect(readdirSync(join(dir, 'results'))).toEqual([])
      const plain = await t.fetch('/actions/huge', { method: 'POST' })
      expect([plain.status, (await plain.arrayBuffer()).byteLength]).toEqual([200, 64 * 1024 * 1024 + 1])
    } finally {
      await t.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each([['results_retention_s', '0'], ['results_public_base_url', 'not a url']])('refuses %s=%s', async (name, value) => {
    const error = await loadSettings({ env: { [`SERVAL_${name.toUpperCase()}`]: value }, filesOff: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect((error as Error).message).toContain(`SERVAL_${name.toUpperCase()}`)
  })
})
