import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from '../security/support.ts'
import { actions } from './fixture.ts'
import { gql, httpRequest } from './support.ts'

describe('GraphQL over HTTP', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET })
  })
  afterAll(() => t.close())

  it('answers a query with arguments, defaults, enums, lists and nested types', async () => {
    const { status, body } = await gql(t, 'query($n: String!) { describeThing(name: $n, color: red, tags: ["a"]) { name count color tags where { x y } meta { source } extra } }', { n: 'box' }, bearer(await hs256({ sub: 'ann' })))
    expect(status).toBe(200)
    expect(body).toEqual({ data: { describeThing: { name: 'box', count: 2, color: 'red', tags: ['a'], where: { x: 1, y: 2 }, meta: { source: 'fixture' }, extra: 7 } } })
  })

  it('answers a GraphQL client (graphql-http): variables, a mutation with a token, and a field error with its path', async () => {
    expect(await httpRequest(t, 'query($n: String!) { hello(name: $n) }', { n: 'Ann' })).toEqual({ data: { hello: 'Hello Ann' } })
    const token = bearer(await hs256({ sub: 'ann' }))
    expect(await httpRequest(t, 'mutation { movePoint(to: { x: 3, y: 4 }) { x y } }', undefined, token)).toEqual({ data: { movePoint: { x: 3, y: 4 } } })
    const refused = await httpRequest(t, '{ hello(name: "Ann") whoami }')
    expect(refused.data).toEqual({ hello: 'Hello Ann', whoami: null })
    expect(refused.errors?.[0]).toMatchObject({ path: ['whoami'], extensions: { code: 'unauthorized', status: 401 } })
    // A refused operation is a 400: the client ends with a network error carrying the answer's status.
    await expect(httpRequest(t, '{ nothing }')).rejects.toMatchObject({ response: { status: 400 } })
  })

  it('runs a mutation, and answers a query over GET', async () => {
    const token = bearer(await hs256({ sub: 'ann' }))
    expect((await gql(t, 'mutation { movePoint(to: { x: 3, y: 4 }) { x y } }', undefined, token)).body).toEqual({ data: { movePoint: { x: 3, y: 4 } } })
    const res = await t.fetch(`/graphql?query=${encodeURIComponent('{ hello(name: "Ann") }')}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: { hello: 'Hello Ann' } })
  })

  it('refuses a mutation over GET', async () => {
    const res = await t.fetch(`/graphql?query=${encodeURIComponent('mutation { movePoint(to: { x: 3, y: 4 }) { x } }')}`, { headers: bearer(await hs256({ sub: 'ann' })) })
    expect(res.status).toBe(405)
    expect((await res.json()).errors[0].message).toMatch(/GET/)
  })

  it('authenticates from Authorization: a missing token is a 401 field error, a missing scope a 403', async () => {
    const anonymous = await gql(t, '{ whoami }')
    expect(anonymous.status).toBe(200)
    expect(anonymous.body.data).toEqual({ whoami: null })
    expect(anonymous.body.errors[0]).toMatchObject({ path: ['whoami'], extensions: { code: 'unauthorized', status: 401, problem: { status: 401, type: 'urn:serval:problem:unauthorized' } } })
    const ann = bearer(await hs256({ sub: 'ann' }))
    expect((await gql(t, '{ whoami }', undefined, ann)).body).toEqual({ data: { whoami: 'ann' } })
    const denied = await gql(t, '{ admin }', undefined, ann)
    expect(denied.body.errors[0]).toMatchObject({ path: ['admin'], extensions: { code: 'forbidden', status: 403 } })
    expect((await gql(t, '{ admin }', undefined, bearer(await hs256({ sub: 'root', scope: 'admin' })))).body).toEqual({ data: { admin: 'secret' } })
  })

  it('validates input as REST does: a 422 problem with the failing path', async () => {
    const { body } = await gql(t, '{ hello(name: "") }')
    expect(body.data).toEqual({ hello: null })
    expect(body.errors[0].extensions).toMatchObject({ code: 'invalid-input', status: 422 })
    expect(body.errors[0].extensions.problem.errors[0].path).toBe('/name')
  })

  it('keeps the other fields when one fails, and hides internals outside dev mode', async () => {
    const { status, body } = await gql(t, '{ hello(name: "Bo") fail refuse badOutput { n } }', undefined, bearer(await hs256({ sub: 'ann' })))
    expect(status).toBe(200)
    expect(body.data).toEqual({ hello: 'Hello Bo', fail: null, refuse: null, badOutput: null })
    const byPath = Object.fromEntries(body.errors.map((e: any) => [e.path[0], e]))
    expect(byPath.fail.extensions).toMatchObject({ code: 'internal', status: 500 })
    expect(JSON.stringify(body)).not.toContain('/etc/passwd')
    expect(byPath.refuse).toMatchObject({ message: 'Not today', extensions: { status: 409 } })
    expect(byPath.badOutput.extensions).toMatchObject({ code: 'invalid-output', status: 500 })
    expect(byPath.badOutput.extensions.problem.errors).toBeUndefined()
  })

  it.each([
    ['a syntax error', '{ hello(name: "x" '],
    ['an unknown field', '{ nothing }'],
    ['a missing required argument', '{ hello }'],
  ])('answers %s with a 400', async (_what, query) => {
    const { status, body } = await gql(t, query)
    expect(status).toBe(400)
    expect(body.errors[0].message).toBeTruthy()
  })

  it('refuses a query sent as a JSON AST with a 400 problem, never reaching the validator', async () => {
    const { status, body } = await gql(t, '{"kind":"Document"}')
    expect(status).toBe(400)
    expect(body).toMatchObject({ type: 'urn:serval:problem:bad-request', detail: 'query must be GraphQL text, not JSON' })
  })

  it('answers a wrong variable type with a 400 naming the variable, also once graphql-jit compiles the query', async () => {
    // Mercurius compiles on the second run and lets graphql-jit coerce the variables there.
    for (let run = 1; run <= 3; run++) {
      const { status, body } = await gql(t, 'query($n: String!) { hello(name: $n) }', { n: 5 })
      expect({ run, status }).toEqual({ run, status: 400 })
      expect(body.errors[0].message).toMatch(/\$n/)
    }
  })

  it('refuses a query nested past graphql_max_depth and one selecting past graphql_max_cost, and keeps serving', async () => {
    const deep = await createTestServer({ actions }, { graphql_max_depth: 2, graphql_max_cost: 5 })
    try {
      const tooDeep = await gql(deep, '{ describeThing(name: "a") { where { x } } }')
      expect(tooDeep.status).toBe(400)
      expect(tooDeep.body.errors[0].message).toMatch(/graphql_max_depth allows 2/)
      const aliases = Array.from({ length: 6 }, (_, i) => `h${i}: hello(name: "x")`).join(' ')
      const tooWide = await gql(deep, `{ ${aliases} }`)
      expect(tooWide.status).toBe(400)
      expect(tooWide.body.errors[0].message).toMatch(/selects 6 fields; graphql_max_cost allows 5/)
      expect((await gql(deep, '{ hello(name: "x") }')).body).toEqual({ data: { hello: 'Hello x' } })
    } finally {
      await deep.close()
    }
  })

  it('counts fragment spreads toward the cost, so a fragment bomb is refused', async () => {
    const fragments = ['fragment F0 on Query { hello(name: "x") }', ...Array.from({ length: 12 }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`)]
    const { status, body } = await gql(t, `{ ...F12 } ${fragments.join(' ')}`)
    expect(status).toBe(400)
    expect(body.errors[0].message).toMatch(/graphql_max_cost allows 1000/)
  })
})

describe('GraphQL introspection and GraphiQL', () => {
  const introspect = '{ __schema { queryType { name } } }'

  it('are off outside dev mode', async () => {
    const t = await createTestServer({ actions })
    try {
      const { status, body } = await gql(t, introspect)
      expect(status).toBe(400)
      expect(body.errors[0].message).toMatch(/introspection/i)
      expect((await t.fetch('/graphiql')).status).toBe(404)
    } finally {
      await t.close()
    }
  })

  it('are on with graphql_introspection=true and graphiql=true', async () => {
    const t = await createTestServer({ actions }, { graphql_introspection: true, graphiql: true })
    try {
      expect((await gql(t, introspect)).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } })
      const ui = await t.fetch('/graphiql')
      expect(ui.status).toBe(200)
      expect(ui.headers.get('content-type')).toMatch(/html/)
    } finally {
      await t.close()
    }
  })

  it('are on in dev mode', async () => {
    const t = await createTestServer({ actions }, { dev_mode: true })
    try {
      expect((await gql(t, introspect)).body.data.__schema.queryType.name).toBe('Query')
    } finally {
      await t.close()
    }
  })
})
