import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from '../security/support.ts'

// examples/ as `npm start` serves it (auth off), and examples/web alone with auth on.
const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url))
const WEB = fileURLToPath(new URL('../../examples/web', import.meta.url))
const BROWSER = { accept: 'text/html,*/*;q=0.8' }

const USERS = fileURLToPath(new URL('../../examples/auth/users.yaml', import.meta.url))

let open: TestServer
let secured: TestServer
let sessions: TestServer
beforeAll(async () => {
  ;[open, secured, sessions] = await Promise.all([
    createTestServer({ dirs: [EXAMPLES] }),
    createTestServer({ dirs: [WEB] }, { auth_mode: 'jwt', jwt_secret: SECRET }),
    createTestServer({ dirs: [WEB] }, { basic_users_file: USERS, session_secret: 'a-demo-session-secret-of-32-chars-or-more' }),
  ])
})
afterAll(async () => {
  await Promise.all([open?.close(), secured?.close(), sessions?.close()])
})

describe('examples/web', () => {
  it('signs the guestbook from a plain HTML form: post, 303, then the page shows the entry', async () => {
    const page = await (await open.fetch('/guestbook')).text()
    expect(page).toContain('<form class="sign" method="post" action="/guestbook">')
    expect(page).toContain('<link rel="stylesheet" href="/static/style.css">')
    const posted = await open.fetch('/guestbook', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Linus&message=%3Ci%3Ehi%3C%2Fi%3E' })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe('/guestbook')
    expect(await (await open.fetch('/guestbook')).text()).toMatch(/<strong>Linus<\/strong>.*<p>&lt;i&gt;hi&lt;\/i&gt;<\/p>/s)
  })

  it('renders its error.njk for a bad form and for a missing name', async () => {
    const bad = await open.fetch('/guestbook', { method: 'POST', headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=&message=x' })
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('<h1 class="error"><span>422</span> Invalid input</h1>')
    expect((await open.fetch('/greet?name=nobody', { headers: BROWSER })).status).toBe(404)
  })

  it('serves its stylesheet from static/', async () => {
    const css = await open.fetch('/static/style.css')
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('cache-control')).toBe('public, max-age=3600')
  })

  it('keeps the members page for principals when auth is on', async () => {
    expect(await (await open.fetch('/members')).text()).toContain('Auth is off')
    const anonymous = await secured.fetch('/members', { headers: BROWSER, redirect: 'manual' })
    expect(anonymous.status).toBe(401)
    expect(await anonymous.text()).toContain('<span>401</span> Unauthorized')
    const member = await (await secured.fetch('/members', { headers: bearer(await hs256({ sub: 'ada' })) })).text()
    expect(member).toContain('Welcome back, ada.')
    expect(member).toContain('Signed in as ada')
  })

  it('sends a browser without a session to the login page and back: 303 to /login?next=, sign in, then the page', async () => {
    const first = await sessions.fetch('/members?tab=all', { headers: BROWSER, redirect: 'manual' })
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe('/login?next=%2Fmembers%3Ftab%3Dall')
    expect((await sessions.fetch('/members', { headers: { accept: 'application/json' } })).status).toBe(401)
    const origin = sessions.url
    const login = await sessions.fetch('/auth/login', { method: 'POST', redirect: 'manual', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=ada&password=lovelace&next=%2Fmembers' })
    expect(login.status).toBe(303)
    expect(login.headers.get('location')).toBe('/members')
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const page = await sessions.fetch('/members', { headers: { ...BROWSER, cookie } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Welcome back, ada.')
  })
})
