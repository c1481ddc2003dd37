import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { channelsOf } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { eventually } from '../support/redis.ts'
import { openSockets } from '../../src/ws/upgrades.ts'
import { openWs, rawUpgrade, wsUrl } from '../support/ws.ts'
import { gql, run, wsClient } from './support.ts'

const SUBS = fileURLToPath(new URL('../fixtures/graphql-subs', import.meta.url))
let t: TestServer

beforeAll(async () => {
  t = await createTestServer({ dirs: [SUBS] }, { graphql_max_subscriptions: 2, ws_max_buffer: 65_536, ws_max_connections: 4 })
})
afterAll(() => t.close())

const subscribers = () => channelsOf(t.app).hub.count('news')
const until = (what: string, check: () => boolean) => eventually(() => (check() ? true : undefined), what)

/** A raw graphql-transport-ws socket, acknowledged: what a client library would hide (pausing, close codes). */
async function rawSocket(): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  const socket = new WebSocket(wsUrl(t.url, '/graphql'), 'graphql-transport-ws')
  const closed = new Promise<number>((resolve) => socket.once('close', resolve))
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  socket.send(JSON.stringify({ type: 'connection_init' }))
  await new Promise((resolve) => socket.once('message', resolve))
  return { socket, closed }
}

describe('limits of a GraphQL socket', () => {
  it('graphql_max_subscriptions bounds the operations of one socket: past it a 429 error message', async () => {
    const client = wsClient(t)
    const first = run(client, 'subscription { news { text } }')
    run(client, 'subscription { news { text } }')
    const third = await run(client, 'subscription { news { text } }').ended
    expect(third.error[0].extensions).toMatchObject({ code: 'too-many-requests', status: 429 })
    first.stop()
    const again = run(client, 'subscription { countTo(n: 1) { i } }')
    expect(await again.ended).toEqual({ results: [{ data: { countTo: { i: 1 } } }] })
    await client.dispose()
    await until('the hub to forget the socket', () => subscribers() === 0)
  })

  it('a subscriber that stops reading is closed with 1013 past ws_max_buffer, and leaves the channel', async () => {
    const { socket, closed } = await rawSocket()
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { news { text } }' } }))
    await until('the subscription', () => subscribers() === 1)
    socket.pause()
    const text = 'x'.repeat(64 * 1024)
    for (let i = 0; i < 300; i++) await channelsOf(t.app).hub.publish('news', { text })
    socket.resume()
    expect(await closed).toBe(1013)
    await until('the slow subscriber to be forgotten', () => subscribers() === 0)
  })

  it('a failure mid-stream is an error message with a problem that hides the internals', async () => {
    const client = wsClient(t)
    const { results, error } = await run(client, 'subscription { breaks }').ended
    expect(results).toEqual([{ data: { breaks: 1 } }])
    expect(error[0].extensions).toMatchObject({ code: 'internal', status: 500 })
    expect(JSON.stringify(error)).not.toContain('passwd')
    await client.dispose()
  })

  it('the legacy graphql-ws subprotocol (or none) is refused', async () => {
    const legacy = new WebSocket(wsUrl(t.url, '/graphql'), 'graphql-ws')
    await expect(new Promise((resolve, reject) => legacy.once('open', resolve).once('error', reject))).rejects.toThrow(/subprotocol/)
    const none = await openWs(wsUrl(t.url, '/graphql'))
    expect(await none.closed).toBe(4406)
  })

  it('a subscription over HTTP is a 400: it needs the socket', async () => {
    const { status, body } = await gql(t, 'subscription { countTo(n: 2) { i } }')
    expect(status).toBe(400)
    expect(body.errors[0].message).toMatch(/WebSocket/)
    expect(body.data ?? null).toBeNull()
  })

  it('ws_max_connections counts /ws and /graphql sockets together: past it an upgrade is a 503', async () => {
    await until('no socket left from the other tests', () => openSockets(t.server) === 0)
    const open = [await openWs(wsUrl(t.url, '/ws')), await openWs(wsUrl(t.url, '/ws'))]
    const graphql = [await rawSocket(), await rawSocket()]
    const answer = await rawUpgrade(t.url, '/graphql', { 'sec-websocket-protocol': 'graphql-transport-ws' })
    expect(answer.status).toBe(503)
    expect(JSON.parse(answer.body)).toMatchObject({ status: 503 })
    expect((await rawUpgrade(t.url, '/ws')).status).toBe(503)
    await Promise.all(open.map((c) => c.close()))
    graphql.forEach((g) => g.socket.close())
    await Promise.all(graphql.map((g) => g.closed))
  })
})
