import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, ActionError, redirect, type Extension, type RunningServer } from 'serval'
import { bearer, hs256, SECRET } from '../security/support.ts'
import { scratchDir, sourcesIn, webServer } from './support.ts'

const layout = '{{ request.method }} {{ request.path }} id={{ request.requestId }}'
const files = scratchDir({
  'pages.ts': '// placeholder: the actions are defined in the test',
  'templates/show.njk': `<h1>{{ model.greeting }}</h1><p>name={{ input.name }} n={{ input.n }} who={{ auth.sub if auth else "nobody" }}</p><p>q={{ request.query.name }} lang={{ request.headers["accept-language"] }} auth-header={{ request.headers.authorization }}</p><p>${layout}</p>`,
  'templates/item.njk': '<p>item {{ input.id }} ({{ model.kind }})</p>',
  'templates/note.njk': '<p>noted {{ model.text }}</p>',
  'templates/members.njk': '<p>member {{ model.sub }}</p>',
  'templates/plain.njk': '<p>{{ model }}</p>',
  'templates/error.njk': '<h1 class="custom">{{ problem.status }} {{ problem.title }}</h1><p>{{ problem.detail }}</p>{% for e in problem.errors %}<li>{{ e.path }}</li>{% endfor %}',
  'bare/pages.ts': '// placeholder',
  'bare/templates/bare.njk': '<p>{{ model.fn() }}</p>',
})
const file = join(files.dir, 'pages.ts')

const actions = sourcesIn(file, {
  show: action(
    {
      http: 'GET',
      access: 'public',
      page: {},
      input: z.object({ name: z.string().max(100), n: z.number().int().default(1) }),
      output: z.object({ greeting: z.string() }),
    },
    ({ name }) => ({ greeting: `Hello ${name}` }),
  ),
  home: action({ http: 'GET', access: 'public', page: { path: '/', template: 'plain.njk' } }, () => 'home'),
  item: action({ http: 'GET', access: 'public', page: { path: '/items/:id' }, input: z.object({ id: z.number().int() }), output: z.object({ kind: z.string() }) }, ({ id }) => ({ kind: id % 2 ? 'odd' : 'even' })),
  go: action({ http: 'GET', access: 'public', page: { template: 'plain.njk' }, input: z.object({ to: z.string(), code: z.enum(['303', '307']).optional() }) }, ({ to, code }) =>
    code ? redirect(`/show?name=${to}`, Number(code) as 303) : redirect(`/show?name=${to}`),
  ),
  note: action({ http: 'POST', access: 'public', page: { path: '/notes' }, input: z.object({ text: z.string().min(1), after: z.enum(['show', 'back']).default('show') }), output: z.object({ text: z.string() }) }, ({ text, after }) =>
    after === 'back' ? redirect('/show?name=noted', 303) : { text },
  ),
  members: action({ http: 'GET', access: 'authenticated', page: {}, output: z.object({ sub: z.string() }) }, (_in, ctx) => ({ sub: ctx.auth!.sub })),
  lost: action({ http: 'GET', access: 'public', page: { template: 'plain.njk' } }, () => {
    throw new ActionError(404, 'No such thing')
  }),
  broken: action({ http: 'GET', access: 'public', page: { template: 'plain.njk' } }, () => {
    throw new Error('db password is hunter2')
  }),
  badOutput: action({ http: 'GET', access: 'public', page: { template: 'plain.njk' }, output: z.object({ ok: z.boolean() }) }, () => ({ ok: 'secret-value' }) as never),
})
const bare = sourcesIn(join(files.dir, 'bare/pages.ts'), {
  bare: action({ http: 'GET', access: 'public', page: {} }, () => ({})),
  bareLost: action({ http: 'GET', access: 'public', page: { template: 'bare.njk' } }, () => {
    throw new ActionError(409, 'Taken <b>here</b>')
  }),
})

// Stands in for the sessions part: a browser's 401 on a page goes to the login page.
const loginSeam: Extension = { name: 'login-seam', onUnauthenticatedPage: (request) => ({ status: 303, headers: { location: `/login?next=${encodeURIComponent(request.path)}` } }) }

let server: RunningServer
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' })
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }

beforeAll(async () => {
  server = await webServer([...actions, ...bare], { auth_mode: 'jwt', jwt_secret: SECRET }, [loginSeam])
})
afterAll(async () => {
  await server?.close()
  files.remove()
})

describe('a page', () => {
  it('renders model, validated input, auth and request as text/html', async () => {
    const res = await get('/show?name=Ada', { 'accept-language': 'fr', 'x-request-id': 'req-42' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await res.text()
    expect(html).toContain('<h1>Hello Ada</h1>')
    expect(html).toContain('name=Ada n=1 who=nobody') // n: the schema's default, so the validated input
    expect(html).toContain('q=Ada lang=fr auth-header=</p>') // credentials never reach templates
    expect(html).toContain('GET /show id=req-42')
  })

  it('sees the principal of a token', async () => {
    const html = await (await get('/show?name=Ada&n=3', bearer(await hs256({ sub: 'ada' })))).text()
    expect(html).toContain('n=3 who=ada')
    expect(html).not.toContain('Bearer')
  })

  it('autoescapes what it renders', async () => {
    const html = await (await get(`/show?name=${encodeURIComponent('<script>alert(1)</script>')}`)).text()
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>')
  })

  it('reads :name path segments into the input, coerced', async () => {
    expect(await (await get('/items/7')).text()).toBe('<p>item 7 (odd)</p>')
    expect((await get('/items/seven')).status).toBe(422)
  })

  it('can be the root page', async () => {
    expect(await (await get('/')).text()).toBe('<p>home</p>')
  })

  it('answers HEAD with the headers only', async () => {
    const res = await fetch(`${server.url}/show?name=Ada`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await res.text()).toBe('')
  })

  it('redirects when the handler returns redirect() (307 by default, or the status given)', async () => {
    const res = await get('/go?to=Bob')
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe('/show?name=Bob')
    expect((await get('/go?to=Bob&code=303')).status).toBe(303)
  })

  it('sends a redirect over REST as JSON data, not a 3xx', async () => {
    const res = await get('/actions/go?to=Bob')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ location: '/show?name=Bob', status: 307 })
    // The output schema describes the output, not the redirect: neither checks nor trims it.
    const typed = await fetch(`${server.url}/actions/note`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x","after":"back"}' })
    expect(typed.status).toBe(200)
    expect(await typed.json()).toEqual({ location: '/show?name=noted', status: 303 })
  })
})

describe('a POST page', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/notes`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body })

  it('reads an HTML form into the input and renders', async () => {
    const res = await post('text=hello+%3Cworld%3E')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('<p>noted hello &lt;world&gt;</p>')
  })

  it('redirects after the post (303: the browser follows with a GET)', async () => {
    const res = await post('text=x&after=back')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/show?name=noted')
  })

  it('renders a bad form as the error page at 422', async () => {
    const res = await post('text=', BROWSER)
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('<h1 class="custom">422 Invalid input</h1>')
  })

  it('is only a form: a JSON body is a 415 (JSON clients use /actions/note)', async () => {
    const res = await fetch(`${server.url}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' })
    expect(res.status).toBe(415)
    expect((await fetch(`${server.url}/actions/note`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' })).status).toBe(200)
  })
})

describe('errors on a page', () => {
  it('render templates/error.njk at the problem status (422 for a bad query)', async () => {
    const res = await get('/show?n=abc', BROWSER)
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await res.text()
    expect(html).toContain('<h1 class="custom">422 Invalid input</h1>')
    expect(html).toContain('<li>/name</li>')
  })

  it('render a handler 404 as the error page', async () => {
    const res = await get('/lost', BROWSER)
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('<h1 class="custom">404 No such thing</h1>')
  })

  it('hide everything internal in a 500 outside dev mode', async () => {
    const cases = { '/broken': 'Internal server error', '/bad-output': 'Output does not match its schema', '/bare': 'Internal server error' }
    for (const [path, title] of Object.entries(cases)) {
      const res = await get(path, BROWSER)
      expect(res.status).toBe(500)
      const html = await res.text()
      expect(html).toMatch(new RegExp(`500(</span>)? ${title}<`)) // error.njk, or the built-in page for /bare
      expect(html).not.toMatch(/hunter2|secret-value|ok:|Error:|\.njk|\.ts|Unable to call/)
    }
  })

  it('give a client that prefers JSON the problem document', async () => {
    const res = await get('/show?n=abc', { accept: 'application/json' })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await res.json()).toMatchObject({ type: 'urn:serval:problem:invalid-input', status: 422, instance: '/show' })
    const html = await get('/show?n=abc', { accept: 'text/html;q=0.5, application/problem+json' })
    expect(html.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect((await get('/show?n=abc', { accept: 'application/json;q=0.4, text/html' })).headers.get('content-type')).toMatch(/^text\/html/)
  })

  it('fall back to the built-in page where no error.njk is, escaped', async () => {
    const res = await get('/bare-lost', BROWSER)
    expect(res.status).toBe(409)
    const html = await res.text()
    expect(html).toContain('<!doctype html>')
    expect(html).toContain('Taken &lt;b&gt;here&lt;/b&gt;')
    expect(html).not.toContain('class="custom"')
  })

  it('hand a browser 401 to onUnauthenticatedPage (the login seam), an API client gets the 401 problem', async () => {
    const browser = await get('/members', BROWSER)
    expect(browser.status).toBe(303)
    expect(browser.headers.get('location')).toBe('/login?next=%2Fmembers')
    const api = await get('/members', { accept: 'application/json' })
    expect(api.status).toBe(401)
    expect((await api.json()).type).toBe('urn:serval:problem:unauthorized')
    const other = await get('/members', { accept: '*/*' })
    expect(other.status).toBe(401)
    expect(await other.text()).toContain('<h1 class="custom">401 Unauthorized</h1>')
  })

  it('let a principal through a protected page', async () => {
    const res = await get('/members', { ...BROWSER, ...bearer(await hs256({ sub: 'grace' })) })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('<p>member grace</p>')
  })
})

describe('pages and the API', () => {
  it('keep the action at /actions/… and out of OpenAPI', async () => {
    expect(await (await get('/actions/show?name=Ada')).json()).toEqual({ greeting: 'Hello Ada' })
    const doc = (await (await get('/openapi.json')).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toContain('/actions/show')
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/actions/') && !p.startsWith('/jobs') && !p.startsWith('/results') && !p.startsWith('/assets') && !p.startsWith('/_sys') && p !== '/metrics')).toEqual([])
  })

  it('answer a wrong method with 405 + Allow', async () => {
    const res = await fetch(`${server.url}/show`, { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toContain('GET')
  })
})
