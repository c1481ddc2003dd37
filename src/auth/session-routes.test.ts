import { scryptSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../testing/index.ts'
import { actions } from '../../test/security/support.ts'

// A cheap scrypt hash (N = 2^4) in the format `serval hash-password` writes: logins stay fast.
const salt = Buffer.from('0123456789abcdef')
const HASH = `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${scryptSync('lovelace', salt, 32, { N: 16, r: 8, p: 1 }).toString('base64')}`
const SESSION_SECRET = 'session-secret-that-is-at-least-32-chars'

let dir: string
let servers: TestServer[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-session-routes-'))
  writeFileSync(join(dir, 'users.json'), JSON.stringify([{ username: 'ada', password_hash: HASH, scopes: ['notes:read'] }]))
})
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
  rmSync(dir, { recursive: true, force: true })
})

// One server for the tests of the handlers (each test its own user state: no test here fails a login but one);
// the tests of what sessionRoutes() builds from the settings start their own, inside the test, as Stryker's
// per-test coverage only sees code that runs in a test.
let shared: TestServer
let sharedDir: string
beforeAll(async () => {
  sharedDir = mkdtempSync(join(tmpdir(), 'serval-session-routes-shared-'))
  writeFileSync(join(sharedDir, 'users.json'), JSON.stringify([{ username: 'ada', password_hash: HASH, scopes: ['notes:read'] }]))
  shared = await createTestServer({ actions }, { basic_users_file: join(sharedDir, 'users.json'), session_secret: SESSION_SECRET, data_dir: join(sharedDir, 'data'), session_ttl_s: 600, login_path: '/sign-in' })
})
afterAll(async () => {
  await shared?.close()
  rmSync(sharedDir, { recursive: true, force: true })
})

async function server(settings: Record<string, unknown> = {}): Promise<TestServer> {
  const t = await createTestServer({ actions }, { basic_users_file: join(dir, 'users.json'), session_secret: SESSION_SECRET, data_dir: join(dir, 'data'), ...settings })
  servers.push(t)
  return t
}
const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString(), redirect: 'manual' as const })
const cookieOf = (res: Response) => res.headers.getSetCookie()[0]?.split(';')[0] ?? ''
const ada = { username: 'ada', password: 'lovelace' }

describe('the session routes', () => {
  it('exist only with session_secret and basic_users_file', async () => {
    const off = await createTestServer({ actions }, { basic_users_file: join(dir, 'users.json') })
    servers.push(off)
    expect((await off.fetch('/auth/login', json(ada))).status).toBe(404)
    expect((await off.fetch('/login')).status).toBe(404)
    const on = await server()
    expect((await on.fetch('/auth/login', json(ada))).status).toBe(200)
  })

  it('JSON login: 200 with the session cookie, no-store, and where to go next (same-site only)', async () => {
    const t = shared
    const res = await t.fetch('/auth/login', json({ ...ada, next: '/reports?y=1' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ sub: 'ada', expiresIn: 600, next: '/reports?y=1' })
    expect(res.headers.getSetCookie()[0]).toMatch(/^serval_session=[\w-]{43}\.[\w-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(await (await t.fetch('/auth/login', json({ ...ada, next: '//evil.example' }))).json()).toMatchObject({ next: '/' })
  })

  it('a form content type in any case is a form login: 303 to next, with the cookie and no-store', async () => {
    const t = shared
    const res = await t.fetch('/auth/login', { ...form({ ...ada, next: '/reports' }), headers: { 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=utf-8' } })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/reports')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(cookieOf(res)).toMatch(/^serval_session=/)
    expect((await t.fetch('/actions/whoami', { headers: { cookie: cookieOf(res) } })).status).toBe(200)
  })

  it('a form login that fails goes back to login_path with why: credentials, invalid (a missing or too long field), throttled', async () => {
    const t = await server({ login_path: '/sign-in' })
    const back = async (fields: Record<string, string>) => {
      const res = await t.fetch('/auth/login', form(fields))
      expect(res.status).toBe(303)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.getSetCookie()).toEqual([])
      return res.headers.get('location')
    }
    expect(await back({ username: 'ada', password: 'nope', next: '/r' })).toBe('/sign-in?error=credentials&next=%2Fr')
    expect(await back({ username: 'ada' })).toBe('/sign-in?error=invalid&next=%2F')
    expect(await back({ password: 'lovelace' })).toBe('/sign-in?error=invalid&next=%2F')
    expect(await back({ username: 'a'.repeat(201), password: 'x' })).toBe('/sign-in?error=invalid&next=%2F')
    expect(await back({ username: 'ada', password: 'x'.repeat(1025) })).toBe('/sign-in?error=invalid&next=%2F')
    for (let i = 0; i < 4; i++) await back({ username: 'ada', password: `wrong-${i}` })
    expect(await back({ username: 'ada', password: 'lovelace' })).toBe('/sign-in?error=throttled&next=%2F')
  })

  it('the longest username and password allowed are checked (200 and 1024 characters)', async () => {
    const t = shared
    const res = await t.fetch('/auth/login', json({ username: 'a'.repeat(200), password: 'x'.repeat(1024) }))
    expect(res.status).toBe(401)
    const long = await t.fetch('/auth/login', json({ username: 'a'.repeat(201), password: 'x' }))
    expect(long.status).toBe(400)
    expect((await long.json()).detail).toBe('username and password are required (at most 200 and 1024 characters)')
    expect((await t.fetch('/auth/login', json({ username: 'ada', password: 'x'.repeat(1025) }))).status).toBe(400)
    expect((await t.fetch('/auth/login', json({ username: '', password: 'lovelace' }))).status).toBe(400)
    expect((await t.fetch('/auth/login', json({ username: 'ada', password: '' }))).status).toBe(400)
  })

  it('JSON: a wrong password is a 401 without a Basic challenge (no browser dialog); too many a 429 with Retry-After', async () => {
    const t = await server()
    const res = await t.fetch('/auth/login', json({ username: 'ada', password: 'nope' }))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect((await res.json()).detail).toBe('Wrong username or password')
    for (let i = 0; i < 4; i++) await t.fetch('/auth/login', json({ username: 'ada', password: `wrong-${i}` }))
    const throttled = await t.fetch('/auth/login', json(ada))
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('retry-after')).toBe('5')
  })

  it('logging in again ends the session of the cookie sent with it', async () => {
    const t = shared
    const first = cookieOf(await t.fetch('/auth/login', json(ada)))
    const second = cookieOf(await t.fetch('/auth/login', json(ada, { cookie: `other=1; ${first}` })))
    expect(second).not.toBe(first)
    expect((await t.fetch('/actions/whoami', { headers: { cookie: first } })).status).toBe(401)
    expect((await t.fetch('/actions/whoami', { headers: { cookie: second } })).status).toBe(200)
  })

  it('logout: 204 clearing the cookie for a script; 303 to login_path for a form or a browser', async () => {
    const t = shared
    const cookie = cookieOf(await t.fetch('/auth/login', json(ada)))
    const out = await t.fetch('/auth/logout', { method: 'POST', headers: { cookie } })
    expect(out.status).toBe(204)
    expect(out.headers.get('cache-control')).toBe('no-store')
    expect(out.headers.getSetCookie()[0]).toBe('serval_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax')
    expect((await t.fetch('/actions/whoami', { headers: { cookie } })).status).toBe(401)
    for (const init of [form({}), { method: 'POST', headers: { accept: 'text/html,*/*' }, redirect: 'manual' as const }]) {
      const res = await t.fetch('/auth/logout', init)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe('/sign-in')
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.getSetCookie()[0]).toMatch(/^serval_session=; Max-Age=0;/)
    }
  })

  it('refuses a login or logout from another site; a browser on this site and a script may', async () => {
    const t = shared
    const cross: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }]
    for (const headers of cross) {
      expect((await t.fetch('/auth/login', json(ada, headers))).status, JSON.stringify(headers)).toBe(403)
      expect((await t.fetch('/auth/logout', { method: 'POST', headers })).status, JSON.stringify(headers)).toBe(403)
    }
    expect((await t.fetch('/auth/login', json(ada, { origin: t.url }))).status).toBe(200)
    expect((await t.fetch('/auth/login', json(ada, { 'sec-fetch-site': 'same-origin' }))).status).toBe(200)
    expect((await t.fetch('/auth/login', json(ada))).status).toBe(200)
    expect((await t.fetch('/auth/logout', { method: 'POST' })).status).toBe(204)
  })

  it('the cookie is Secure behind an https public_base_url, not behind an http one', async () => {
    const https = await server({ public_base_url: 'https://app.example' })
    expect((await https.fetch('/auth/login', json(ada))).headers.getSetCookie()[0]).toMatch(/; Secure$/)
    expect((await https.fetch('/auth/logout', { method: 'POST' })).headers.getSetCookie()[0]).toMatch(/; Secure$/)
    const http = await server({ public_base_url: 'http://app.example' })
    expect((await http.fetch('/auth/login', json(ada))).headers.getSetCookie()[0]).not.toContain('Secure')
  })

  it('GET login_path is the built-in form, framed by nobody, posting to /auth/login; next and error come from the query', async () => {
    const t = shared
    const res = await t.fetch(`/sign-in?next=${encodeURIComponent('/reports')}&error=throttled`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    const html = await res.text()
    expect(html).toContain('<form method="post" action="/auth/login">')
    expect(html).toContain('value="/reports"')
    expect(html).toContain('Too many wrong passwords')
    const plain = await (await t.fetch('/sign-in?next=//evil.example&error=a&error=b')).text()
    expect(plain).toContain('<input type="hidden" name="next" value="/">')
    expect(plain).not.toContain('role="alert"')
  })

  it('under a base_path, every path sent to the browser carries it', async () => {
    const t = await server({ base_path: '/billing' })
    const bad = await t.fetch('/auth/login', form({ username: 'ada', password: 'nope' }))
    expect(bad.headers.get('location')).toBe('/billing/login?error=credentials&next=%2Fbilling%2F')
    expect(await (await t.fetch('/auth/login', json(ada))).json()).toMatchObject({ next: '/billing/' })
    const page = await (await t.fetch('/login')).text()
    expect(page).toContain('action="/billing/auth/login"')
    expect(page).toContain('name="next" value="/billing/"')
    expect((await t.fetch('/auth/logout', form({}))).headers.get('location')).toBe('/billing/login')
  })
})
