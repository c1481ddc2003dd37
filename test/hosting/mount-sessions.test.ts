import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../src/auth/passwords.ts'
import { loadSettings } from '../../src/config/load.ts'
import { serve, type RunningServer } from '../../src/http/listen.ts'
import { SERVAL, scratch, ZOD } from './support.ts'

// A mount with sessions: the browser calls /v2/…, the mount's app sees /…. Its login redirect, form, logout
// and cookie must carry the prefix, and its session must neither replace nor be taken for the root's.
const dir = scratch('mount-sessions')
let running: RunningServer
const html = { accept: 'text/html' }
const at = (path: string, init: RequestInit = {}) => fetch(`${running.url}${path}`, { redirect: 'manual', ...init })
const form = (path: string, fields: Record<string, string>, cookie = '') =>
  at(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: running.url, ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(fields).toString() })
const cookieOf = (res: Response) => res.headers.getSetCookie()[0] ?? ''
const pair = (setCookie: string) => setCookie.split(';')[0]!
const whoami = async (path: string, cookie: string) => ((await (await at(path, { headers: { cookie } })).json()) as { sub: string | null }).sub

beforeAll(async () => {
  mkdirSync(dir.path('root'))
  mkdirSync(dir.path('v2/templates'), { recursive: true })
  mkdirSync(dir.path('v3'))
  const whoamiSource = `export const whoami = action({ http: 'GET', access: 'public', input: z.object({}) }, async (_i, ctx) => ({ sub: ctx.auth?.sub ?? null }))\n`
  dir.write('root/root.ts', `import { action } from '${SERVAL}'\nimport { z } from '${ZOD}'\n${whoamiSource}`)
  dir.write('v2/v2.ts', `import { action } from '${SERVAL}'\nimport { z } from '${ZOD}'\n${whoamiSource}export const members = action({ http: 'GET', access: 'authenticated', page: {} }, async (_i, ctx) => ({ sub: ctx.auth!.sub }))\n`)
  dir.write('v3/v3.ts', `import { action } from '${SERVAL}'\nimport { z } from '${ZOD}'\n${whoamiSource}`)
  dir.write('v2/templates/members.njk', '<p>member {{ model.sub }}</p>')
  dir.write(
    'users.json',
    JSON.stringify([
      { username: 'ada', password_hash: await hashPassword('lovelace', 'scrypt'), scopes: [] },
      { username: 'op', password_hash: await hashPassword('operator-pass', 'scrypt'), scopes: ['serval:admin'] },
    ]),
  )
  const mounts = [
    { name: 'v2', prefix: '/v2', dirs: [dir.path('v2')] },
    { name: 'v3', prefix: '/v3', dirs: [dir.path('v3')] },
  ]
  const cli = { port: 0, log_level: 'silent', data_dir: dir.path('data'), mounts: JSON.stringify(mounts), basic_users_file: dir.path('users.json'), session_secret: 'session-secret-that-is-at-least-32-chars' }
  const { settings } = await loadSettings({ cli, filesOff: true, env: {} })
  running = await serve({ settings, dirs: [dir.path('root')] })
})

afterAll(async () => {
  await running?.close()
  dir.cleanup()
})

describe('sessions under a mount', () => {
  it('names the mount’s own login path in its /_sys/info, and the root’s in the root’s', async () => {
    const admin = { authorization: `Basic ${Buffer.from('op:operator-pass').toString('base64')}` }
    const info = async (path: string) => ((await (await at(path, { headers: admin })).json()) as { auth: { sessions: { loginPath: string } } }).auth.sessions.loginPath
    expect(await info('/v2/_sys/info')).toBe('/v2/login')
    expect(await info('/_sys/info')).toBe('/login')
  })

  it('sends a browser without a session to the mount’s login page, with the prefixed path as next', async () => {
    const res = await at('/v2/members', { headers: html })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/v2/login?next=${encodeURIComponent('/v2/members')}`)
  })

  it('serves a login form that posts to the mount’s /auth/login', async () => {
    const page = await (await at(`/v2/login?next=${encodeURIComponent('/v2/members')}`)).text()
    expect(page).toContain('action="/v2/auth/login"')
    expect(page).toContain('value="/v2/members"')
  })

  it('logs in with a cookie of the mount’s own name and Path, and sends the browser back to next', async () => {
    const res = await form('/v2/auth/login', { username: 'ada', password: 'lovelace', next: '/v2/members' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/v2/members')
    expect(cookieOf(res)).toMatch(/^serval_session_v2=[\w-]{43}\.[\w-]{43}; Max-Age=86400; Path=\/v2; HttpOnly; SameSite=Lax$/)
    const page = await at('/v2/members', { headers: { ...html, cookie: pair(cookieOf(res)) } })
    expect(await page.text()).toContain('member ada')
  })

  it('keeps the root’s session and the mounts’ apart: neither replaces nor stands in for another', async () => {
    const root = pair(cookieOf(await form('/auth/login', { username: 'ada', password: 'lovelace' })))
    const mount = pair(cookieOf(await form('/v2/auth/login', { username: 'ada', password: 'lovelace' })))
    expect(root.split('=')[0]).not.toBe(mount.split('=')[0])
    expect(await whoami('/v2/actions/whoami', root)).toBeNull()
    expect(await whoami('/actions/whoami', mount)).toBeNull()
    // A browser sends both under /v2 (the root's Path=/ covers it): the mount reads its own.
    expect(await whoami('/v2/actions/whoami', `${root}; ${mount}`)).toBe('ada')
    expect(await whoami('/actions/whoami', root)).toBe('ada')
    // Another mount: a cookie of its own, and the first mount's is not a session there, even renamed.
    const other = pair(cookieOf(await form('/v3/auth/login', { username: 'ada', password: 'lovelace' })))
    expect(other.split('=')[0]).toBe('serval_session_v3')
    expect(await whoami('/v3/actions/whoami', mount)).toBeNull()
    expect(await whoami('/v3/actions/whoami', mount.replace('serval_session_v2', 'serval_session_v3'))).toBeNull()
    expect(await whoami('/v3/actions/whoami', other)).toBe('ada')
  })

  it('documents the mount’s cookie in its OpenAPI document', async () => {
    const doc = (await (await at('/v2/openapi.json')).json()) as { components: { securitySchemes: Record<string, { name?: string }> } }
    expect(doc.components.securitySchemes.session?.name).toBe('serval_session_v2')
  })

  it('sends a failed login and a logout back to the mount’s login page, clearing the mount’s cookie', async () => {
    const wrong = await form('/v2/auth/login', { username: 'ada', password: 'nope', next: '/v2/members' })
    expect(wrong.headers.get('location')).toBe(`/v2/login?error=credentials&next=${encodeURIComponent('/v2/members')}`)
    const cookie = pair(cookieOf(await form('/v2/auth/login', { username: 'ada', password: 'lovelace' })))
    const out = await form('/v2/auth/logout', {}, cookie)
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/v2/login')
    expect(cookieOf(out)).toMatch(/^serval_session_v2=; Max-Age=0; Path=\/v2;/)
    expect(await whoami('/v2/actions/whoami', cookie)).toBeNull()
  })
})
