import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { actions, hs256 } from './support.ts'

/**
 * Hostile input against every public surface: each case must get a 4xx
 * problem document, leave the server healthy, and pollute nothing.
 */

interface Surface {
  readonly name: string
  readonly method: 'GET' | 'POST'
  readonly path: string
  /** The content type a well-formed body has here. */
  readonly accepts?: 'json' | 'form'
}

interface Attack {
  readonly name: string
  /** Which surfaces it applies to: body attacks need a POST. */
  readonly on: 'all' | 'post'
  readonly path?: (path: string) => string
  readonly headers?: Record<string, string>
  readonly body?: Buffer | string
  /** The status expected; a function when the surface decides. */
  readonly status: number | ((s: Surface) => number)
}

const JSON_TYPE = { 'content-type': 'application/json' }
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
// A JSON attack on the form-only token endpoint is refused by content type first.
const jsonOnly = (status: number) => (s: Surface) => (s.accepts === 'form' ? 415 : status)
// Credentials matter on actions and jobs (401); the token endpoint wants a grant (400); elsewhere they are ignored.
const credentialed = (s: Surface) => (/^\/(actions|jobs)/.test(s.path) ? 401 : s.accepts === 'form' ? 400 : 200)

const ATTACKS: Attack[] = [
  { name: 'JSON nested 100k levels deep', on: 'post', headers: JSON_TYPE, body: nested(100_000), status: jsonOnly(400) },
  { name: 'JSON nested just past max_json_depth', on: 'post', headers: JSON_TYPE, body: `{"a":${nested(70)}}`, status: jsonOnly(400) },
  { name: 'a __proto__ key', on: 'post', headers: JSON_TYPE, body: '{"__proto__":{"polluted":"yes"}}', status: jsonOnly(400) },
  { name: 'a nested __proto__ key', on: 'post', headers: JSON_TYPE, body: '{"a":[{"b":{"__proto__":{"polluted":"yes"}}}]}', status: jsonOnly(400) },
  { name: 'a constructor.prototype key', on: 'post', headers: JSON_TYPE, body: '{"constructor":{"prototype":{"polluted":"yes"}}}', status: jsonOnly(400) },
  { name: 'invalid JSON', on: 'post', headers: JSON_TYPE, body: '{"text": "unterminated', status: jsonOnly(400) },
  { name: 'invalid UTF-8', on: 'post', headers: JSON_TYPE, body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), status: jsonOnly(400) },
  { name: 'a body over body_limit', on: 'post', headers: JSON_TYPE, body: `{"text":"${'x'.repeat(1_100_000)}"}`, status: jsonOnly(413) },
  { name: 'a text/plain body', on: 'post', headers: { 'content-type': 'text/plain' }, body: 'hello', status: 415 },
  { name: 'an XML body', on: 'post', headers: { 'content-type': 'application/xml' }, body: '<a/>', status: 415 },
  { name: 'a multipart body', on: 'post', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--', status: 415 },
  { name: 'a 20 kB header', on: 'all', headers: { 'x-junk': 'a'.repeat(20_000) }, status: 431 },
  { name: '300 headers of 100 bytes', on: 'all', headers: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x-h${i}`, 'b'.repeat(100)])), status: 431 },
  { name: 'a 10 kB query string', on: 'all', path: (p) => `${p}?q=${'a'.repeat(10_000)}`, status: 414 },
  { name: 'a 100 kB query string', on: 'all', path: (p) => `${p}?q=${'a'.repeat(100_000)}`, status: 431 },
  { name: 'an Authorization header that is not Bearer', on: 'all', headers: { authorization: 'Basic Zm9vOmJhcg==' }, status: credentialed },
  { name: 'a forged bearer token', on: 'all', headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }, status: credentialed },
]

let t: TestServer
let token = ''
let dataDir = ''
const surfaces: Surface[] = [
  { name: 'POST action (protected)', method: 'POST', path: '/actions/write-note', accepts: 'json' },
  { name: 'POST action (public)', method: 'POST', path: '/actions/ping', accepts: 'json' },
  { name: 'GET action', method: 'GET', path: '/actions/ping' },
  { name: 'token endpoint', method: 'POST', path: '/auth/token', accepts: 'form' },
  { name: 'health', method: 'GET', path: '/_sys/health' },
  { name: 'readiness', method: 'GET', path: '/_sys/ready' },
  { name: 'info', method: 'GET', path: '/_sys/info' },
  { name: 'OpenAPI', method: 'GET', path: '/openapi.json' },
  { name: 'docs UI', method: 'GET', path: '/docs' },
  { name: 'job submission', method: 'POST', path: '/jobs/ping', accepts: 'json' },
  { name: 'job list', method: 'GET', path: '/jobs' },
]

const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort()

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'serval-hostile-'))
  t = await createTestServer({ actions }, { auth_mode: 'jwt', dev_mode: true, debug_password: 'pw', jwt_secret: 'x'.repeat(40), data_dir: dataDir, workers: 0 })
  token = await hs256({ sub: 'ada', scope: 'notes:write notes:read' }, { secret: 'x'.repeat(40) })
})
afterAll(async () => {
  await t.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Raw node:http, so nothing is normalised on the way (fetch refuses some of these). */
function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string) {
  return new Promise<{ status: number; type: string | undefined; text: string }>((resolve, reject) => {
    const req = httpRequest(`${t.url}${path}`, { method, headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (d: string) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text }))
    })
    // The server may answer (413, 431) and close before the whole body is sent: the answer counts.
    req.on('error', (error) => (error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error)))
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')))
    req.end(body)
  })
}

/** Only the pairs that apply: a body attack needs a surface that takes a body. */
const applies = (attack: Attack, surface: Surface) => attack.on === 'all' || surface.method === 'POST'
const CASES = ATTACKS.flatMap((attack) => surfaces.filter((s) => applies(attack, s)).map((surface) => ({ attack, surface })))

describe('the hostile-input matrix', () => {
  it('has a case for every attack and no case that cannot apply', () => {
    expect(new Set(CASES.map((c) => c.attack.name)).size).toBe(ATTACKS.length)
    expect(CASES.every((c) => applies(c.attack, c.surface))).toBe(true)
    const posts = surfaces.filter((s) => s.method === 'POST').length
    const perAttack = (a: Attack) => (a.on === 'all' ? surfaces.length : posts)
    expect(CASES).toHaveLength(ATTACKS.reduce((n, a) => n + perAttack(a), 0))
  })
})

describe.each(CASES)('hostile input: $attack.name', ({ attack, surface }) => {
  it(`${surface.name}: a ${typeof attack.status === 'number' ? attack.status : attack.status(surface)}, a healthy server, nothing polluted`, async () => {
    const path = attack.path ? attack.path(surface.path) : surface.path
    const auth: Record<string, string> = surface.path === '/actions/write-note' && !attack.headers?.authorization ? { authorization: `Bearer ${token}` } : {}
    const res = await send(surface.method, path, { ...auth, ...attack.headers }, attack.body)
    const expected = typeof attack.status === 'function' ? attack.status(surface) : attack.status
    expect(res.status, res.text.slice(0, 300)).toBe(expected)
    if (expected >= 400) {
      expect(res.type).toMatch(/^application\/problem\+json/)
      expect(JSON.parse(res.text)).toMatchObject({ status: expected, type: expect.stringMatching(/^urn:serval:problem:/) })
    } else {
      // A credential that is ignored here: the surface answers as if none was sent.
      expect(res.type).not.toMatch(/problem/)
    }
    const health = await send('GET', '/_sys/health', {})
    expect(health.status).toBe(200)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys)
  })
})

describe('after the whole barrage', () => {
  it('a normal request still succeeds', async () => {
    const res = await send('POST', '/actions/write-note', { ...JSON_TYPE, authorization: `Bearer ${token}` }, '{"text":"still fine"}')
    expect(res).toMatchObject({ status: 200, text: '"still fine"' })
  })

  it('query-string pollution attempts change nothing', async () => {
    const res = await send('GET', '/actions/ping?__proto__[polluted]=yes&constructor[prototype][polluted]=yes&a[__proto__][b]=1', {})
    expect(res.status).toBeLessThan(500)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys)
  })
})
