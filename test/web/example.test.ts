import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from '../security/support.ts'

// examples/ as `npm start` serves it (auth off), and examples/web alone with auth on.
const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url))
const WEB = fileURLToPath(new URL('../../examples/web', import.meta.url))
const BROWSER = { accept: 'text/html,*/*;q=0.8' }

let open: TestServer
let secured: TestServer
beforeAll(async () => {
  ;[open, secured] = await Promise.all([createTestServer({ dirs: [EXAMPLES] }), createTestServer({ dirs: [WEB] }, { auth_mode: 'jwt', jwt_secret: SECRET })])
})
afterAll(async () => {
  await Promise.all([open?.close(), secured?.close()])
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
})
