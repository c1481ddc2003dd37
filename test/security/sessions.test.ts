import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { WebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, loadSettings, type App } from 'serval'
import { defaultExtensions } from '../../src/app/extensions.ts'
import { createTestServer, type TestServer } from 'serval/testing'
import { createSecurity } from '../../src/auth/create.ts'
import { escapeHtml } from '../../src/auth/login-page.ts'
import { loginRedirectFor, safeNext } from '../../src/auth/login-redirect.ts'
import { hashPassword } from '../../src/auth/passwords.ts'
import { listen } from '../../src/http/listen.ts'
import { makeCerts } from './certs.ts'
import { actions, bearer, hs256, SECRET } from './support.ts'

const SESSION_SECRET = 'session-secret-that-is-at-least-32-chars'
let dir: string
let usersFile: string
let t: TestServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serval-sessions-'))
  usersFile = join(dir, 'users.json')
  writeFileSync(usersFile, JSON.stringify([{ username: 'ada', password_hash: await hashPassword('lovelace', 'scrypt'), scopes: ['notes:read', 'notes:write'] }]))
  t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET, basic_users_file: usersFile, session_secret: SESSION_SECRET, data_dir: join(dir, 'data') })
})
afterAll(async () => {
  await t?.close()
  rmSync(dir, { recursive: true, force: true })
})

const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString(), redirect: 'manual' as const })
const cookieOf = (res: Response) => res.headers.getSetCookie()[0]?.split(';')[0] ?? ''

async function logIn(server = t, origin = server.url): Promise<string> {
  const res = await server.fetch('/auth/login', json({ username: 'ada', password: 'lovelace' }, { origin }))
  expect(res.status).toBe(200)
  return cookieOf(res)
}

describe('POST /auth/login', () => {
  it('JSON: sets an HttpOnly, SameSite=Lax, Path=/ cookie (no Secure over plain HTTP) that authenticates later requests', async () => {
    const res = await t.fetch('/auth/login', json({ username: 'ada', password: 'lovelace' }, { origin: t.url }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'ada', expiresIn: 86_400, next: '/' })
    const [setCookie] = res.headers.getSetCookie()
    expect(setCookie).toMatch(/^serval_session=[\w-]{43}\.[\w-]{43}; Max-Age=86400; Path=\/; HttpOnly; SameSite=Lax$/)
    const me = await t.fetch('/actions/whoami', { headers: { cookie: cookieOf(res) } })
    expect(await me.json()).toMatchObject({ sub: 'ada', scopes: ['notes:read', 'notes:write'] })
  })

  it('form: a right password redirects (303) to a same-site next; a wrong one back to the login page with an error', async () => {
    const ok = await t.fetch('/auth/login', form({ username: 'ada', password: 'lovelace', next: '/reports?y=1' }, { origin: t.url }))
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/reports?y=1')
    expect(cookieOf(ok)).toMatch(/^serval_session=/)
    const bad = await t.fetch('/auth/login', form({ username: 'ada', password: 'nope', next: '/reports' }, { origin: t.url }))
    expect(bad.status).toBe(303)
    expect(bad.headers.get('location')).toBe('/login?error=credentials&next=%2Freports')
    expect(bad.headers.getSetCookie()).toEqual([])
  })

  it('never redirects off the site, whatever next says', async () => {
    for (const next of ['//evil.example', 'https://evil.example', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x', '/\t/evil.example', 'evil.example', '']) {
      const res = await t.fetch('/auth/login', form({ username: 'ada', password: 'lovelace', next }, { origin: t.url }))
      expect(res.headers.get('location'), next).toMatch(/^\/(?!\/|\\)/)
      expect(new URL(res.headers.get('location')!, t.url).origin, next).toBe(t.url)
    }
    expect(safeNext('/a/../b?c#d')).toBe('/b?c#d')
  })

  it('JSON: a wrong password or an unknown user is a 401 problem without a Basic challenge; a missing field a 400', async () => {
    for (const body of [{ username: 'ada', password: 'nope' }, { username: 'eve', password: 'lovelace' }]) {
      const res = await t.fetch('/auth/login', json(body, { origin: t.url }))
      expect(res.status).toBe(401)
      expect(res.headers.get('content-type')).toMatch(/problem\+json/)
      expect(res.headers.get('www-authenticate')).toBeNull()
    }
    expect((await t.fetch('/auth/login', json({ username: 'ada' }, { origin: t.url }))).status).toBe(400)
  })

  it('a login posted from another site is refused (login CSRF); a script sending neither Origin nor Sec-Fetch-Site may log in', async () => {
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }]
    for (const headers of attempts) {
      const res = await t.fetch('/auth/login', form({ username: 'ada', password: 'lovelace' }, headers))
      expect(res.status).toBe(403)
      expect((await res.json()).type).toBe('urn:serval:problem:cross-site-request')
    }
    expect((await t.fetch('/auth/login', json({ username: 'ada', password: 'lovelace' }))).status).toBe(200)
  })
})

describe('the session cookie', () => {
  it('a tampered, truncated or unknown cookie is no session: 401 on a protected action, anonymous on a public one', async () => {
    const good = await logIn()
    const value = good.slice('serval_session='.length)
    const flipped = value.slice(0, 10) + (value[10] === 'a' ? 'b' : 'a') + value.slice(11)
    const forged = `${'A'.repeat(43)}.${value.slice(44)}`
    const unsigned = `${value.slice(0, 44)}${'A'.repeat(43)}` // the real id, a made-up signature
    for (const cookie of [flipped, value.slice(0, -1), forged, unsigned, 'x', `${value}x`]) {
      expect((await t.fetch('/actions/whoami', { headers: { cookie: `serval_session=${cookie}` } })).status, cookie).toBe(401)
      expect(await (await t.fetch('/actions/ping', { headers: { cookie: `serval_session=${cookie}` } })).json()).toEqual({ sub: null })
    }
  })

  it('logout ends the session on the server: the old cookie stops working and the cookie is cleared', async () => {
    const cookie = await logIn()
    expect((await t.fetch('/actions/whoami', { headers: { cookie } })).status).toBe(200)
    const out = await t.fetch('/auth/logout', { method: 'POST', headers: { cookie, origin: t.url } })
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie()[0]).toMatch(/^serval_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax/)
    expect((await t.fetch('/actions/whoami', { headers: { cookie } })).status).toBe(401)
  })

  it('is kept in data_dir/sessions under a hash of its id, never the cookie itself', async () => {
    const cookie = await logIn()
    const id = cookie.slice('serval_session='.length).split('.')[0]!
    const files = readdirSync(join(dir, 'data', 'sessions'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      expect(file).toMatch(/^[0-9a-f]{64}\.json$/)
      expect(readFileSync(join(dir, 'data', 'sessions', file), 'utf8')).not.toContain(id)
    }
  })
})

describe('CSRF', () => {
  const note = (headers: Record<string, string>) => t.fetch('/actions/write-note', json({ text: 'hi' }, headers))

  it('a cookie-authenticated POST needs its own Origin or Sec-Fetch-Site: same-origin', async () => {
    const cookie = await logIn()
    expect((await note({ cookie, origin: t.url })).status).toBe(200)
    expect((await note({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, {}]
    for (const headers of attempts) {
      const res = await note({ cookie, ...headers })
      expect(res.status, JSON.stringify(headers)).toBe(403)
      expect((await res.json()).type).toBe('urn:serval:problem:cross-site-request')
    }
    // A GET is safe: no proof needed.
    expect((await t.fetch('/actions/whoami', { headers: { cookie, origin: 'https://evil.example' } })).status).toBe(200)
  })

  it('an Origin of public_base_url or cors_allowed_origins proves the same site too', async () => {
    const settings = { basic_users_file: usersFile, session_secret: SESSION_SECRET, data_dir: join(dir, 'data-trusted'), public_base_url: 'https://api.example/v1', cors_allowed_origins: ['https://app.example'] }
    const s = await createTestServer({ actions }, settings)
    try {
      const cookie = await logIn(s)
      const post = (origin: string) => s.fetch('/actions/write-note', json({ text: 'hi' }, { cookie, origin }))
      expect((await post('https://app.example')).status).toBe(200)
      expect((await post('https://api.example')).status).toBe(200)
      expect((await post(s.url)).status).toBe(200)
      expect((await post('https://evil.example')).status).toBe(403)
    } finally {
      await s.close()
    }
  })

  it('bearer, API-key and Basic requests are exempt, even with a cookie from a cross-site page', async () => {
    const cookie = await logIn()
    const token = await hs256({ sub: 'svc', scope: 'notes:write notes:read' })
    expect((await note({ cookie, origin: 'https://evil.example', ...bearer(token) })).status).toBe(200)
    const basic = `Basic ${Buffer.from('ada:lovelace').toString('base64')}`
    expect((await note({ origin: 'https://evil.example', authorization: basic })).status).toBe(200)
  })

  it('holds for routes (logout, jobs) and GraphQL POSTs', async () => {
    const cookie = await logIn()
    expect((await t.fetch('/auth/logout', { method: 'POST', headers: { cookie, origin: 'https://evil.example' } })).status).toBe(403)
    expect((await t.fetch('/jobs/write-note', json({ text: 'x' }, { cookie, origin: 'https://evil.example' }))).status).toBe(403)
    const mutation = { query: 'mutation { writeNote(text: "x") }' }
    const evil = await (await t.fetch('/graphql', json(mutation, { cookie, origin: 'https://evil.example' }))).json()
    expect(evil.errors[0].extensions.code).toBe('cross-site-request')
    expect(await (await t.fetch('/graphql', json(mutation, { cookie, origin: t.url }))).json()).toEqual({ data: { writeNote: 'x' } })
  })

  it('refuses a /ws upgrade carrying the cookie from another origin (cross-site WebSocket hijacking)', async () => {
    const cookie = await logIn()
    const ws = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws`, { headers: { cookie, origin } })
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        socket.once('open', () => (socket.close(), resolve(101)))
        socket.once('error', reject)
      })
    expect(await ws('https://evil.example')).toBe(403)
    expect(await ws(t.url)).toBe(101)
  })
})

describe('the login page and the browser redirect', () => {
  it('GET login_path is a built-in HTML form with next and the error escaped', async () => {
    const res = await t.fetch(`/login?next=${encodeURIComponent('/x"><script>alert(1)</script>')}&error=credentials`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await res.text()
    expect(html).toContain('<form method="post" action="/auth/login">')
    // next is normalised by the URL parser (quotes and brackets percent-encoded), then escaped ('&' survives the parser).
    expect(html).toContain('value="/x%22%3E%3Cscript%3Ealert(1)%3C/script%3E"')
    expect(html).not.toContain('<script>')
    expect(await (await t.fetch(`/login?next=${encodeURIComponent('/a?b=1&c=2')}`)).text()).toContain('value="/a?b=1&#38;c=2"')
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;')
    expect(html).toContain('Wrong username or password.')
  })

  it('loginRedirectFor sends a browser asking for a page to login_path?next=…, never an API client', () => {
    const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }
    expect(loginRedirectFor(t.app, { method: 'GET', url: '/reports?y=1', headers: browser })).toBe('/login?next=%2Freports%3Fy%3D1')
    expect(loginRedirectFor(t.app, { method: 'GET', url: '//evil.example', headers: browser })).toBe('/login?next=%2F')
    expect(loginRedirectFor(t.app, { method: 'GET', url: '/reports', headers: { accept: 'application/json' } })).toBeUndefined()
    expect(loginRedirectFor(t.app, { method: 'GET', url: '/reports', headers: { accept: 'application/json, text/html' } })).toBeUndefined()
    expect(loginRedirectFor(t.app, { method: 'POST', url: '/reports', headers: browser })).toBeUndefined()
  })
})

describe('sliding TTL', () => {
  // The server is built inside the test: a server built in beforeAll covers no test, so the renewal hook it installs would not count as tested (docs/testing.md).
  it('each use past a tenth of the TTL extends the session and refreshes the cookie; an unused one expires', async () => {
    let clock = Date.now()
    const { settings } = await loadSettings({ cli: { log_level: 'silent', port: 0, basic_users_file: usersFile, session_secret: SESSION_SECRET, session_ttl_s: 1000, data_dir: join(dir, 'slide') }, filesOff: true, env: {} })
    const logger = pino({ level: 'silent' })
    const app: App = await createApp({ actions, settings, logger, security: await createSecurity({ settings, logger, now: () => clock }), extensions: await defaultExtensions(settings) })
    const running = await listen(app)
    const url = running.url
    const me = (cookie: string) => fetch(`${url}/actions/whoami`, { headers: { cookie } })
    try {
      const res = await fetch(`${url}/auth/login`, json({ username: 'ada', password: 'lovelace' }, { origin: url }))
      const cookie = cookieOf(res)
      clock += 50_000 // under a tenth: no write, no new cookie
      expect((await me(cookie)).headers.getSetCookie()).toEqual([])
      clock += 900_000 // 950 s of 1000: due, so the expiry moves to now + 1000 s
      const used = await me(cookie)
      expect(used.status).toBe(200)
      expect(used.headers.getSetCookie()[0]).toMatch(/^serval_session=[^;]+; Max-Age=1000; Path=\/; HttpOnly; SameSite=Lax$/)
      expect(cookieOf(used)).toBe(cookie)
      expect((await me(cookie)).headers.getSetCookie()).toEqual([]) // once: the next answer carries no cookie again
      clock += 900_000 // past the first expiry, within the extended one
      expect((await me(cookie)).status).toBe(200)
      clock += 1_000_001 // unused for longer than the TTL
      expect((await me(cookie)).status).toBe(401)
    } finally {
      await running.close()
    }
  })
})

describe('over TLS', () => {
  it('the session cookie is Secure', async () => {
    const certs = makeCerts()
    const s = await createTestServer({ actions }, { basic_users_file: usersFile, session_secret: SESSION_SECRET, tls_cert: certs.serverCert, tls_key: certs.serverKey })
    try {
      const setCookie = await new Promise<string>((resolve, reject) => {
        const body = JSON.stringify({ username: 'ada', password: 'lovelace' })
        const req = httpsRequest(`${s.url}/auth/login`, { method: 'POST', ca: readFileSync(certs.ca), agent: false, headers: { 'content-type': 'application/json', origin: s.url } }, (res) => {
          res.resume()
          resolve(String(res.headers['set-cookie']?.[0]))
        })
        req.on('error', reject)
        req.end(body)
      })
      expect(setCookie).toMatch(/; HttpOnly; SameSite=Lax; Secure$/)
    } finally {
      await s.close()
      certs.cleanup()
    }
  })
})
