import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { action, createApp, listen, ServalError, type Extension, type RouteRequest, type RunningServer } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer } from './security/support.ts'

// An extension that knows nothing of HTTP: its routes are plain objects.
let seen: RouteRequest | undefined
const echo: Extension = {
  name: 'echo',
  routes: () => [
    {
      method: 'GET',
      path: '/echo/:name',
      handle: (request) => {
        seen = request
        return { status: 200, headers: { 'x-echo': 'yes' }, body: { name: request.params.name, q: request.query.q ?? null } }
      },
    },
    { method: 'DELETE', path: '/echo/:name', handle: () => ({ status: 204 }) },
    { method: 'GET', path: '/echo/:name/tags', handle: (request) => ({ status: 200, body: [request.params.name] }) },
    { method: 'POST', path: '/echo-either', body: 'json-or-form', handle: (request) => ({ status: 200, body: request.body }) },
    {
      method: 'GET',
      path: '/stream',
      handle: () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('one chunk')), c.close()) }) }),
    },
    { method: 'GET', path: '/typed', handle: () => ({ status: 200, headers: { 'content-type': 'application/vnd.serval+json' }, body: { a: 1 } }) },
    { method: 'POST', path: '/echo-json', handle: (request) => ({ status: 201, body: request.body }) },
    { method: 'POST', path: '/echo-form', body: 'form', handle: (request) => ({ status: 200, body: request.body }) },
    { method: 'GET', path: '/bytes', handle: () => ({ status: 200, headers: { 'content-type': 'text/csv' }, body: new TextEncoder().encode('a,b\n1,2\n') }) },
    {
      method: 'GET',
      path: '/teapot',
      handle: () => {
        throw new ServalError('conflict', { detail: 'Brewing', headers: { 'retry-after': '7' } })
      },
    },
    {
      method: 'GET',
      path: '/leaky',
      handle: () => {
        throw Object.assign(new Error('postgres://app:hunter2@db/prod'), { statusCode: 403 })
      },
    },
  ],
}

let running: RunningServer

const get = (path: string, init?: RequestInit) => fetch(`${running.url}${path}`, init)

describe('an extension route over HTTP', () => {
  // One server per test, built in a beforeEach: the routes are mounted as the server is built, and code that runs in
  // a beforeAll covers no test, so Stryker would not run these tests against the mounting code (docs/testing.md).
  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-routes-'))
    const app = await createApp({
      actions: [{ action: action({ http: 'GET' }, () => 'pong'), exportName: 'ping' }],
      settings: { data_dir: dir, port: 0, host: '127.0.0.1' },
      logger: pino({ level: 'silent' }),
      extensions: [echo],
    })
    running = await listen(app)
    return async () => {
      await running.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('gets params, query, lower-case headers, credentials and the request id; its headers and JSON body are sent', async () => {
    const res = await get('/echo/ada?q=1', { headers: { 'X-Request-Id': 'req-42', Authorization: 'Bearer abc', 'X-Custom': 'v' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-echo')).toBe('yes')
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({ name: 'ada', q: '1' })
    expect(seen).toMatchObject({ method: 'GET', path: '/echo/ada', requestId: 'req-42', origin: 'http', credentials: { authorization: 'Bearer abc' } })
    expect(seen?.headers['x-custom']).toBe('v')
    expect(seen?.signal.aborted).toBe(false)
  })

  it('answers HEAD for a GET route, and 405 with Allow for the other methods of its paths', async () => {
    expect((await get('/echo/ada', { method: 'HEAD' })).status).toBe(200)
    expect((await get('/echo/ada', { method: 'DELETE' })).status).toBe(204)
    const put = await get('/echo/ada', { method: 'PUT' })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, DELETE, HEAD')
    expect(await put.json()).toMatchObject({ type: 'urn:serval:problem:method-not-allowed', status: 405 })
    expect((await get('/echo-json')).headers.get('allow')).toBe('POST')
    expect((await get('/echo/ada/more')).status).toBe(404)
  })

  it('gives the path without the query, and sends a 204 with no body and no content type', async () => {
    expect((await get('/echo/ada')).status).toBe(200)
    expect(seen?.path).toBe('/echo/ada')
    const gone = await get('/echo/ada', { method: 'DELETE' })
    expect(gone.status).toBe(204)
    expect(gone.headers.get('content-type')).toBeNull()
    expect(await gone.text()).toBe('')
  })

  it('sends a web stream as it is, and keeps a JSON body\'s own content type', async () => {
    const stream = await get('/stream')
    expect(stream.headers.get('content-type')).toBe('text/plain')
    expect(await stream.text()).toBe('one chunk')
    const typed = await get('/typed')
    expect(typed.headers.get('content-type')).toMatch(/^application\/vnd\.serval\+json/)
    expect(await typed.json()).toEqual({ a: 1 })
  })

  it('answers 405 only for a path a route has: the same segments, a non-empty parameter, trailing slashes aside', async () => {
    const status = async (path: string) => (await get(path, { method: 'PUT' })).status
    expect(await status('/echo/ada/tags')).toBe(405)
    expect((await get('/echo/ada/tags', { method: 'PUT' })).headers.get('allow')).toBe('GET, HEAD')
    expect(await status('/echo/ada//')).toBe(405)
    expect(await status('/echo/ada/more')).toBe(404) // another segment where the template has a literal one
    expect(await status('/echo/ada/tags/more')).toBe(404) // one segment too many
    expect(await status('/other/ada')).toBe(404)
    expect(await status('/echo//tags')).toBe(404) // an empty parameter
  })

  it('sends bytes as they are, under the content type given', async () => {
    const res = await get('/bytes')
    expect(res.headers.get('content-type')).toBe('text/csv')
    expect(await res.text()).toBe('a,b\n1,2\n')
  })

  it('turns a thrown ServalError into its problem (status, headers); anything else is a hidden 500', async () => {
    const teapot = await get('/teapot')
    expect(teapot.status).toBe(409)
    expect(teapot.headers.get('retry-after')).toBe('7')
    expect(teapot.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await teapot.json()).toMatchObject({ detail: 'Brewing', instance: '/teapot' })
    const leaky = await get('/leaky')
    expect(leaky.status).toBe(500)
    expect(await leaky.text()).not.toContain('hunter2')
  })

  it('reads JSON bodies (bad JSON 400, a form 415) and, for a form route, forms only (JSON 415)', async () => {
    const json = await get('/echo-json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1]}' })
    expect([json.status, await json.json()]).toEqual([201, { a: [1] }])
    expect((await get('/echo-json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' })).status).toBe(400)
    expect((await get('/echo-json', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' })).status).toBe(415)
    const form = await get('/echo-form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2&b=3&__proto__=x' })
    // A field named __proto__ is a field, not the object's prototype.
    expect(await form.text()).toBe('{"a":"1","b":["2","3"],"__proto__":"x"}')
    expect((await get('/echo-form', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(415)
    const thrice = await get('/echo-form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'b=1&b=2&b=3' })
    expect(await thrice.json()).toEqual({ b: ['1', '2', '3'] })
    // json-or-form: both, and nothing else.
    const either = (type: string, body: string) => get('/echo-either', { method: 'POST', headers: { 'content-type': type }, body })
    expect(await (await either('application/json', '{"a":1}')).json()).toEqual({ a: 1 })
    expect(await (await either('application/x-www-form-urlencoded', 'a=1')).json()).toEqual({ a: '1' })
    expect((await either('text/plain', 'a=1')).status).toBe(415)
  })
})

describe('the dev token endpoint splits scopes as tokens do', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions: [{ action: action({ http: 'GET', access: { scopes: ['read'] } }, (_i, ctx) => ctx.auth?.scopes), exportName: 'mine' }] }, { auth_mode: 'jwt', dev_mode: true, debug_password: 'let-me-in' })
  })
  afterAll(() => t.close())

  const token = async (scope: string) => {
    const body = new URLSearchParams({ grant_type: 'password', username: 'ada', password: 'let-me-in', scope }).toString()
    const res = await t.fetch('/auth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
    return ((await res.json()) as { access_token: string }).access_token
  }

  it('space-separated (RFC 6749): "read write" is two scopes; "read,write" is one, as in a real token', async () => {
    expect(await (await t.fetch('/actions/mine', { headers: bearer(await token('read write')) })).json()).toEqual(['read', 'write'])
    expect((await t.fetch('/actions/mine', { headers: bearer(await token('read,write')) })).status).toBe(403)
  })
})
