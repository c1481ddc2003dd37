import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { printSchema } from 'graphql'
import { channelsOf } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from '../security/support.ts'
import { eventually } from '../support/redis.ts'
import { rawUpgrade } from '../support/ws.ts'
import { buildGraphqlSchema } from '../../src/graphql/index.ts'
import { run, wsClient } from './support.ts'

const SUBS = fileURLToPath(new URL('../fixtures/graphql-subs', import.meta.url))
let t: TestServer
let ann: string
let bob: string
let admin: string

beforeAll(async () => {
  t = await createTestServer({ dirs: [SUBS] }, { auth_mode: 'jwt', jwt_secret: SECRET })
  ;[ann, bob, admin] = await Promise.all([hs256({ sub: 'ann' }), hs256({ sub: 'bob' }), hs256({ sub: 'root', scope: 'admin' })])
})
afterAll(() => t.close())

const subscribers = (channel: string) => channelsOf(t.app).hub.count(channel)
const until = (what: string, check: () => boolean) => eventually(() => (check() ? true : undefined), what)

async function publish(note: { text: string; to?: string }): Promise<void> {
  const res = await t.fetch('/actions/publish-news', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(note) })
  expect(res.status).toBe(200)
}

describe('the Subscription type', () => {
  it('has one field per streaming action (arguments from the input) and one per channel (its event type)', async () => {
    const sdl = printSchema(await buildGraphqlSchema(t.app))
    const subscription = /type Subscription \{[^}]*\}/.exec(sdl)?.[0]
    expect(subscription).toContain('countTo(n: Int!): CountToItem')
    expect(subscription).toContain('ticker(key: String!): Float')
    expect(subscription).toContain('news: NewsEvent')
    expect(subscription).toContain('staff: NewsEvent') // the same event schema: one type
    expect(subscription).not.toContain('publishNews')
    expect(sdl).toMatch(/type NewsEvent \{\s+text: String!\s+to: String\s+\}/)
  })
})

describe('subscriptions to channels', () => {
  it('receive published events; the filter sees the principal of connection_init or of the handshake header', async () => {
    const viaInit = wsClient(t, { connectionParams: { authorization: `Bearer ${ann}` } })
    const viaHeader = wsClient(t, {}, bearer(bob))
    const a = run(viaInit, 'subscription { news { text to } }')
    const b = run(viaHeader, 'subscription { news { text } }')
    await until('two subscribers', () => subscribers('news') === 2)
    await publish({ text: 'for ann', to: 'ann' })
    await publish({ text: 'for all' })
    expect(await a.next()).toEqual({ data: { news: { text: 'for ann', to: 'ann' } } })
    expect(await a.next()).toEqual({ data: { news: { text: 'for all', to: null } } })
    expect(await b.next()).toEqual({ data: { news: { text: 'for all' } } })
    expect(b.results).toHaveLength(1)
    await Promise.all([viaInit.dispose(), viaHeader.dispose()])
  })

  it('a denied channel is an error message with the problem in extensions; the socket stays usable', async () => {
    const client = wsClient(t, { connectionParams: { token: ann } })
    const { error } = await run(client, 'subscription { staff { text } }').ended
    expect(error[0].extensions).toMatchObject({ code: 'forbidden', status: 403, problem: { status: 403, type: 'urn:serval:problem:forbidden' } })
    expect(subscribers('staff')).toBe(0)
    const ok = await run(client, 'subscription { countTo(n: 1) { i } }').ended
    expect(ok).toEqual({ results: [{ data: { countTo: { i: 1 } } }] })
    await client.dispose()
  })

  it('closing the socket leaves every channel (no subscriber is left in the hub)', async () => {
    const client = wsClient(t)
    run(client, 'subscription { news { text } }')
    run(client, 'subscription { again: news { text } }')
    const other = wsClient(t, { connectionParams: { token: admin } })
    run(other, 'subscription { staff { text } }')
    await until('three subscriptions on two channels', () => subscribers('news') === 1 && subscribers('staff') === 1)
    await Promise.all([client.dispose(), other.dispose()])
    await until('the hub to forget both sockets', () => subscribers('news') === 0 && subscribers('staff') === 0)
  })

  it('complete on one of two subscriptions of a channel keeps the other', async () => {
    const client = wsClient(t)
    const first = run(client, 'subscription { news { text } }')
    const second = run(client, 'subscription { news { text } }')
    await until('one hub subscriber for the socket', () => subscribers('news') === 1)
    first.stop()
    await publish({ text: 'still here' })
    expect(await second.next()).toEqual({ data: { news: { text: 'still here' } } })
    expect(first.results).toEqual([])
    second.stop()
    await until('the socket to leave the channel', () => subscribers('news') === 0)
    await client.dispose()
  })
})

describe('subscriptions to streaming actions', () => {
  it('each item is an event, the end of the stream is complete', async () => {
    const client = wsClient(t)
    expect(await run(client, 'subscription($n: Int!) { countTo(n: $n) { i } }', { n: 3 }).ended).toEqual({
      results: [{ data: { countTo: { i: 1 } } }, { data: { countTo: { i: 2 } } }, { data: { countTo: { i: 3 } } }],
    })
    await client.dispose()
  })

  it('complete stops the work: ctx.signal fires and the generator\'s finally runs', async () => {
    const client = wsClient(t)
    const key = `k${Date.now()}`
    const ticks = run(client, 'subscription($key: String!) { ticker(key: $key) }', { key })
    expect(await ticks.next()).toEqual({ data: { ticker: 1 } })
    const stopped = async () => (await (await t.fetch(`/actions/was-stopped?key=${key}`)).json()) as boolean
    expect(await stopped()).toBe(false)
    ticks.stop()
    await eventually(async () => ((await stopped()) ? true : undefined), 'the generator to be returned')
    await client.dispose()
  })

  it('closing the socket stops the generator too', async () => {
    const client = wsClient(t)
    const key = `close${Date.now()}`
    expect(await run(client, 'subscription($key: String!) { ticker(key: $key) }', { key }).next()).toEqual({ data: { ticker: 1 } })
    await client.dispose()
    await eventually(async () => ((await (await t.fetch(`/actions/was-stopped?key=${key}`)).json()) ? true : undefined), 'the generator to be returned')
  })

  it('the token of connection_init ({ token }) or of the header reaches ctx.auth; none is a 401 error message', async () => {
    const withToken = wsClient(t, { connectionParams: { token: ann } })
    const withHeader = wsClient(t, {}, bearer(bob))
    const anonymous = wsClient(t)
    expect((await run(withToken, 'subscription { mine }').ended).results).toEqual([{ data: { mine: 'ann' } }])
    expect((await run(withHeader, 'subscription { mine }').ended).results).toEqual([{ data: { mine: 'bob' } }])
    const { error } = await run(anonymous, 'subscription { mine }').ended
    expect(error[0]).toMatchObject({ path: ['mine'], extensions: { code: 'unauthorized', status: 401, problem: { status: 401 } } })
    await Promise.all([withToken.dispose(), withHeader.dispose(), anonymous.dispose()])
  })

  it('the action\'s access rule applies: a missing scope is a 403 error message; invalid arguments a 422', async () => {
    const client = wsClient(t, { connectionParams: { token: ann } })
    const denied = await run(client, 'subscription { adminFeed }').ended
    expect(denied.error[0].extensions).toMatchObject({ code: 'forbidden', status: 403 })
    const invalid = await run(client, 'subscription { countTo(n: 5000) { i } }').ended
    expect(invalid.error[0].extensions).toMatchObject({ code: 'invalid-input', status: 422 })
    const admitted = wsClient(t, { connectionParams: { token: admin } })
    expect((await run(admitted, 'subscription { adminFeed }').ended).results).toEqual([{ data: { adminFeed: 'for admins' } }])
    await Promise.all([client.dispose(), admitted.dispose()])
  })
})

describe('refusals', () => {
  it('bad documents are error messages and the socket stays open', async () => {
    const client = wsClient(t)
    let closed = 0
    client.on('closed', () => closed++)
    const syntax = await run(client, 'subscription { countTo(n: 1) { i }').ended
    expect(syntax.error[0].message).toMatch(/Syntax Error/)
    const unknown = await run(client, 'subscription { nope }').ended
    expect(unknown.error[0].message).toMatch(/Cannot query field "nope"/)
    const wrongType = await run(client, 'subscription($n: Int!) { countTo(n: $n) { i } }', { n: 'three' }).ended
    expect(wrongType.error[0].message).toMatch(/\$n/)
    const two = await run(client, 'subscription { news { text } staff { text } }').ended
    expect(two.error[0].message).toMatch(/only one top level field/)
    const deep = await run(client, `subscription { countTo(n: 1) { ${'i '.repeat(1001)} } }`).ended
    expect(deep.error[0].extensions).toMatchObject({ code: 'query-too-complex' })
    expect((await run(client, 'subscription { countTo(n: 1) { i } }').ended).results).toEqual([{ data: { countTo: { i: 1 } } }])
    expect(closed).toBe(0)
    await client.dispose()
  })

  it('a bad token in connection_init closes the socket with 4403; a bad header token refuses the upgrade with a 401 problem', async () => {
    const client = wsClient(t, { connectionParams: { authorization: 'Bearer not-a-jwt' } })
    const { error } = await run(client, 'subscription { countTo(n: 1) { i } }').ended
    expect(error.code).toBe(4403)
    expect(String(error.reason)).toMatch(/^Unauthorized/)
    const answer = await rawUpgrade(t.url, '/graphql', { authorization: 'Bearer not-a-jwt', 'sec-websocket-protocol': 'graphql-transport-ws' })
    expect(answer.status).toBe(401)
    expect(answer.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(answer.body)).toMatchObject({ status: 401, type: 'urn:serval:problem:unauthorized' })
  })
})
