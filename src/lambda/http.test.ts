import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { createHandler, type LambdaHandler } from 'serval/lambda'
import { functionUrlEvent, httpApiEvent, restEvent, type EventRequest } from '../../test/support/lambda-events.ts'

// The contract: an HTTP event gets exactly what the server would answer. Each case is sent to a real
// server over a socket and as REST, HTTP API and Function URL events; status, headers and body must agree.
const scratch = mkdtempSync(join(tmpdir(), 'serval-lambda-'))
let server: TestServer
let handler: LambdaHandler
beforeAll(async () => {
  server = await createTestServer({ dirs: ['examples'] })
  handler = createHandler({ dirs: ['examples'], settings: { log_level: 'silent', data_dir: scratch } })
})
afterAll(async () => {
  await server.close()
  rmSync(scratch, { recursive: true, force: true })
})

interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

const COMPARED = ['content-type', 'allow', 'www-authenticate', 'x-functions-version', 'content-disposition']
const json = { 'content-type': ['application/json'] }
const CASES: [string, EventRequest][] = [
  ['a GET action with a query', { path: '/actions/say-hello', query: { name: ['Ada'] } }],
  ['repeated query keys as an array', { path: '/actions/stats', query: { values: ['1', '2', '6'] } }],
  ['a POST with a JSON body', { method: 'POST', path: '/actions/add', headers: json, body: '{"a":1,"b":2}' }],
  ['input that fails the schema (422)', { path: '/actions/say-hello', query: { name: ['x'.repeat(101)] } }],
  ['a body that is not JSON (400)', { method: 'POST', path: '/actions/add', headers: json, body: '{"a":' }],
  ['a wrong content type (415)', { method: 'POST', path: '/actions/add', headers: { 'content-type': ['text/plain'] }, body: 'a=1' }],
  ['no such action (404)', { path: '/actions/nope' }],
  ['a method the action does not answer (405)', { method: 'DELETE', path: '/actions/say-hello' }],
  ['an ActionError (404 with details)', { path: '/actions/get-user', query: { id: ['nobody'] } }],
  ['a crash (500, detail hidden)', { path: '/actions/crash' }],
  ['a system route', { path: '/_sys/health' }],
]

async function viaServer(r: EventRequest): Promise<Answer> {
  const query = new URLSearchParams()
  for (const [k, vs] of Object.entries(r.query ?? {})) for (const v of vs) query.append(k, v)
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, v.join(', ')]))
  const res = await server.fetch(`${r.path}${query.size ? `?${query}` : ''}`, { method: r.method ?? 'GET', headers, ...(r.body === undefined ? {} : { body: typeof r.body === 'string' ? r.body : new Uint8Array(r.body) }) })
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() }
}

function answerOf(result: any): Answer {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v)
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) headers[k.toLowerCase()] = (v as string[]).join(', ')
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body
  return { status: result.statusCode, headers, body }
}

/** What must agree: the status, the headers a client acts on, and the body without its per-request id. */
function comparable(a: Answer) {
  const body = a.headers['content-type']?.includes('json') && a.body ? JSON.parse(a.body) : a.body
  if (body && typeof body === 'object') delete body.requestId
  return { status: a.status, headers: Object.fromEntries(COMPARED.filter((h) => h in a.headers).map((h) => [h, a.headers[h]])), body }
}

describe.each([
  ['API Gateway REST (v1)', restEvent],
  ['HTTP API (v2)', httpApiEvent],
  ['Function URL', functionUrlEvent],
])('%s events answer like the server', (_kind, build) => {
  it.each(CASES)('%s', async (_name, request) => {
    const expected = comparable(await viaServer(request))
    const got = answerOf(await handler(build(request)))
    expect(comparable(got)).toEqual(expected)
    expect(got.headers['x-request-id']).toMatch(/\S/)
  })
})

describe('HTTP event details', () => {
  it('strips the stage from a REST path that carries it (custom domain) and from a named HTTP API stage', async () => {
    const rest = restEvent({ path: '/dev/actions/say-hello', query: { name: ['Stage'] }, stage: 'dev' })
    expect(answerOf(await handler(rest))).toMatchObject({ status: 200, body: '"Hello Stage!"' })
    const v2 = httpApiEvent({ path: '/actions/say-hello', query: { name: ['Stage'] }, stage: 'dev' })
    expect(v2.rawPath).toBe('/dev/actions/say-hello')
    expect(answerOf(await handler(v2))).toMatchObject({ status: 200, body: '"Hello Stage!"' })
  })

  it('decodes a base64 request body', async () => {
    const event = httpApiEvent({ method: 'POST', path: '/actions/add', headers: json, body: Buffer.from('{"a":2,"b":3}') })
    expect(event.isBase64Encoded).toBe(true)
    expect(answerOf(await handler(event))).toMatchObject({ status: 200, body: '{"result":5}' })
  })

  it('passes the client X-Request-Id through, as the server does', async () => {
    const result: any = await handler(restEvent({ path: '/_sys/health', headers: { 'X-Request-Id': ['abc-123'] } }))
    expect(result.headers['x-request-id']).toBe('abc-123')
  })
})

describe('malformed HTTP events are a 400 problem, never a crash', () => {
  const problem = async (event: unknown) => {
    const result: any = await handler(event)
    expect(result.statusCode).toBe(400)
    expect(result.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    return JSON.parse(result.body)
  }

  it('a body marked base64 that is not', async () => {
    const event = { ...restEvent({ method: 'POST', path: '/actions/add', headers: json }), body: '{"a":1}', isBase64Encoded: true }
    expect(await problem(event)).toMatchObject({ status: 400, detail: expect.stringContaining('not valid base64') })
    const v2 = { ...httpApiEvent({ method: 'POST', path: '/actions/add' }), body: 'eyJhIjox*', isBase64Encoded: true }
    expect(await problem(v2)).toMatchObject({ detail: expect.stringContaining('not valid base64') })
  })

  it.each([
    ['REST without a path', { ...restEvent({ path: '/x' }), path: undefined }, /"?path"? must be a path/],
    ['REST with a method that is no method', { ...restEvent({ path: '/x' }), httpMethod: 'GET /x' }, /httpMethod must be an HTTP method/],
    ['HTTP API without rawPath', { ...httpApiEvent({ path: '/x' }), rawPath: 7 }, /rawPath must be a path/],
    ['HTTP API with cookies that are not a list', { ...httpApiEvent({ path: '/x' }), cookies: 'a=1' }, /cookies must be a list/],
    ['REST with a header that is not text', { ...restEvent({ path: '/x' }), multiValueHeaders: { accept: 'json' } }, /multiValueHeaders.accept must be a list/],
  ])('%s', async (_name, event, detail) => {
    expect((await problem(event)).detail).toMatch(detail)
  })
})
