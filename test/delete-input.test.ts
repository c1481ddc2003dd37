import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'

/** DELETE actions take their input from the query string, coerced like GET; a body is not input. */

const removeNote = action(
  {
    http: 'DELETE',
    input: { type: 'object', properties: { id: { type: 'integer' }, hard: { type: 'boolean' } }, required: ['id'], additionalProperties: false },
  },
  (input) => ({ removed: input }),
)
const both = action({ http: ['POST', 'DELETE'], input: { type: 'object', properties: { n: { type: 'number' } } } }, (input) => input)

// Built per test (beforeEach), so the routes' registration counts for each test under Stryker's perTest coverage.
let t: TestServer
beforeEach(async () => {
  t = await createTestServer({ actions: [{ action: removeNote, exportName: 'removeNote' }, { action: both, exportName: 'both' }] })
})
afterEach(() => t.close())

describe.each(['socket', 'inject'] as const)('DELETE input [%s]', (transport) => {
  async function send(method: string, path: string, body?: string) {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' }
    if (transport === 'inject') {
      const res = await t.server.inject({ method: method as 'DELETE', url: path, headers, ...(body === undefined ? {} : { payload: body }) })
      return { status: res.statusCode, json: res.json() as any }
    }
    const res = await t.fetch(path, { method, headers, ...(body === undefined ? {} : { body }) })
    return { status: res.status, json: (await res.json()) as any }
  }

  it('reads and coerces the query string', async () => {
    expect(await send('DELETE', '/actions/remove-note?id=7&hard=true')).toEqual({ status: 200, json: { removed: { id: 7, hard: true } } })
  })

  it('validates it: a missing or wrong field is a 422 naming it', async () => {
    const missing = await send('DELETE', '/actions/remove-note')
    expect(missing.status).toBe(422)
    expect(missing.json.errors).toEqual([expect.objectContaining({ path: '/id' })])
    const wrong = await send('DELETE', '/actions/remove-note?id=seven')
    expect(wrong.status).toBe(422)
    expect(wrong.json.errors[0].path).toBe('/id')
  })

  it('does not take a JSON body as input: the query string is the input', async () => {
    const res = await send('DELETE', '/actions/remove-note?id=1', '{"id":2,"hard":true}')
    expect(res).toEqual({ status: 200, json: { removed: { id: 1 } } })
  })

  it('on an action with POST and DELETE, POST reads the body and DELETE the query', async () => {
    expect((await send('POST', '/actions/both?n=1', '{"n":2}')).json).toEqual({ n: 2 })
    expect((await send('DELETE', '/actions/both?n=1', '{"n":2}')).json).toEqual({ n: 1 })
  })
})
