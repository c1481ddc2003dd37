import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from 'serval/testing'
import { bearer, hs256 } from '../security/support.ts'
import { openWs, rawUpgrade, wsUrl, type WsClient } from '../support/ws.ts'
import { eventually } from '../support/redis.ts'
import { chatServer, post, securedChat } from './support.ts'

let checks = 0

/** Asks the server (over the socket) until the call `key` saw its ctx.signal fire. */
function aborted(ws: WsClient, key: string): Promise<boolean> {
  return eventually(async () => {
    ws.send({ id: `check-${++checks}`, action: 'wasAborted', input: { key } })
    return (await ws.next()).output === true ? true : undefined
  }, `call ${key} to be aborted`)
}

describe('GET /ws: calls', () => {
  let t: TestServer
  let ws: WsClient
  beforeAll(async () => {
    t = await chatServer()
    ws = await openWs(wsUrl(t.url, '/ws'))
  })
  afterAll(async () => {
    await ws.close()
    await t.close()
  })

  it('answers a call with its output, serialised through the output schema like HTTP', async () => {
    ws.send({ id: 1, action: 'add', input: { a: 1, b: 2 } })
    expect(await ws.next()).toEqual({ id: 1, output: { sum: 3 } })
    expect((await post(t, 'add', { a: 1, b: 2 })).json).toEqual({ sum: 3 })
  })

  it('finds an action by its kebab name too', async () => {
    ws.send({ id: 'k', action: 'count-to', input: { n: 0 } })
    expect(await ws.next()).toEqual({ id: 'k', end: true })
  })

  it('validates input as HTTP does: a 422 problem naming every path', async () => {
    ws.send({ id: 2, action: 'add', input: { a: '1', c: 3 } })
    const frame = await ws.next()
    expect(frame.id).toBe(2)
    expect(frame.error).toMatchObject({ type: 'urn:serval:problem:invalid-input', status: 422 })
    expect(frame.error.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/a', '/b', '/c'])
    expect(frame.error.errors).toEqual((await post(t, 'add', { a: '1', c: 3 })).json.errors)
  })

  it('404 for an unknown action and for one not served over HTTP', async () => {
    ws.send({ id: 3, action: 'nope' })
    expect(await ws.next()).toMatchObject({ id: 3, error: { status: 404 } })
    ws.send({ id: 4, action: 'hidden' })
    expect(await ws.next()).toMatchObject({ id: 4, error: { status: 404 } })
  })

  it('streams: item frames, then end', async () => {
    ws.send({ id: 5, action: 'countTo', input: { n: 3 } })
    expect([await ws.next(), await ws.next(), await ws.next(), await ws.next()]).toEqual([
      { id: 5, item: 1 },
      { id: 5, item: 2 },
      { id: 5, item: 3 },
      { id: 5, end: true },
    ])
  })

  it('runs many calls at once, each answered under its own id', async () => {
    ws.send({ id: 'slow', action: 'wait', input: { key: 'many', ms: 300 } })
    for (let i = 0; i < 20; i++) ws.send({ id: 100 + i, action: 'add', input: { a: i, b: 1 } })
    const answers = new Map<unknown, unknown>()
    while (answers.size < 21) {
      const frame = await ws.next()
      answers.set(frame.id, frame.output)
    }
    for (let i = 0; i < 20; i++) expect(answers.get(100 + i)).toEqual({ sum: i + 1 })
    expect(answers.get('slow')).toEqual({ waited: 'many' })
  })

  it('cancel aborts the call: its ctx.signal fires and it ends with call-cancelled', async () => {
    ws.send({ id: 6, action: 'wait', input: { key: 'cancel-me' } })
    ws.send({ id: 7, cancel: 6 })
    const frames = [await ws.next(), await ws.next()]
    expect(frames).toContainEqual({ id: 6, error: expect.objectContaining({ type: 'urn:serval:problem:call-cancelled', status: 409 }) })
    expect(frames).toContainEqual({ id: 7, cancelled: 6 })
    expect(await aborted(ws, 'cancel-me')).toBe(true)
  })

  it('a socket that closes aborts its calls in flight (ctx.signal)', async () => {
    const gone = await openWs(wsUrl(t.url, '/ws'))
    gone.send({ id: 1, action: 'wait', input: { key: 'socket-closed' } })
    gone.send({ id: 2, action: 'add', input: { a: 0, b: 0 } })
    await gone.next() // both calls are in flight once the later one answered
    await gone.close()
    expect(await aborted(ws, 'socket-closed')).toBe(true)
  })

  it('cancel of a call not in flight is a 404 on the cancel frame', async () => {
    ws.send({ id: 8, cancel: 999 })
    expect(await ws.next()).toMatchObject({ id: 8, error: { status: 404 } })
  })

  it('refuses a second call with an id still in flight (409)', async () => {
    ws.send({ id: 9, action: 'wait', input: { key: 'dup', ms: 200 } })
    ws.send({ id: 9, action: 'add', input: { a: 1, b: 1 } })
    expect(await ws.next()).toMatchObject({ id: 9, error: { status: 409, type: 'urn:serval:problem:conflict' } })
    expect(await ws.next()).toEqual({ id: 9, output: { waited: 'dup' } })
  })

  it('answers malformed frames with { id: null, error } and stays open', async () => {
    ws.send('not json')
    expect(await ws.next()).toMatchObject({ id: null, error: { status: 400, type: 'urn:serval:problem:invalid-json' } })
    ws.send({ action: 'add', input: { a: 1, b: 1 } })
    expect(await ws.next()).toMatchObject({ id: null, error: { status: 422 } })
    ws.send([1, 2])
    expect(await ws.next()).toMatchObject({ id: null, error: { status: 422 } })
    ws.send('{"id":1,"__proto__":{"x":1}}')
    expect(await ws.next()).toMatchObject({ id: null, error: { status: 400 } })
    ws.socket.send(Buffer.from('{"id":1}'), { binary: true })
    expect(await ws.next()).toMatchObject({ id: null, error: { status: 400 } })
    ws.send({ id: 10, frobnicate: true })
    expect(await ws.next()).toMatchObject({ id: 10, error: { status: 422 } })
    ws.send({ id: 11, action: 'add', input: { a: 2, b: 2 } })
    expect(await ws.next()).toEqual({ id: 11, output: { sum: 4 } })
  })

  it('applies the action rate limit to /ws calls too (429 past it), counted per caller', async () => {
    for (const id of ['r1', 'r2']) {
      ws.send({ id, action: 'limited' })
      expect(await ws.next()).toEqual({ id, output: 'ok' })
    }
    ws.send({ id: 'r3', action: 'limited' })
    expect(await ws.next()).toMatchObject({ id: 'r3', error: { status: 429, type: 'urn:serval:problem:too-many-requests', retryAfter: expect.any(Number) } })
    // Another socket of the same caller shares the window.
    const other = await openWs(wsUrl(t.url, '/ws'))
    other.send({ id: 1, action: 'limited' })
    expect(await other.next()).toMatchObject({ id: 1, error: { status: 429 } })
    await other.close()
  })

  it('closes a socket that sends a frame over ws_max_payload (1009)', async () => {
    const small = await chatServer({ ws_max_payload: 1024 })
    const client = await openWs(wsUrl(small.url, '/ws'))
    client.send({ id: 1, action: 'add', input: { a: 1, b: 2, pad: 'x'.repeat(4096) } })
    expect(await client.closed).toBe(1009)
    await small.close()
  })
})

describe('GET /ws: subscriptions', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await chatServer()
  })
  afterAll(() => t.close())

  it('subscribe → subscribed with the connectionId, then event frames; unsubscribe stops them', async () => {
    const ws = await openWs(wsUrl(t.url, '/ws'))
    ws.send({ id: 3, subscribe: 'messenger' })
    const subscribed = await ws.next()
    expect(subscribed).toEqual({ id: 3, subscribed: 'messenger', connectionId: expect.any(String) })
    ws.send({ id: 4, action: 'broadcast', input: { text: 'hello' } })
    const two = [await ws.next(), await ws.next()]
    expect(two).toContainEqual({ channel: 'messenger', event: { text: 'hello' } })
    expect(two).toContainEqual({ id: 4, output: { sent: true } })
    ws.send({ id: 5, action: 'broadcast', input: { text: 'to me', connectionId: subscribed.connectionId } })
    expect(await ws.until((f) => f.channel === 'messenger')).toEqual({ channel: 'messenger', event: { text: 'to me' } })
    ws.send({ id: 6, unsubscribe: 'messenger' })
    expect(await ws.until((f) => f.id === 6)).toEqual({ id: 6, unsubscribed: 'messenger' })
    ws.send({ id: 7, action: 'broadcast', input: { text: 'gone' } })
    ws.send({ id: 8, action: 'add', input: { a: 0, b: 0 } })
    // The broadcast was answered after its publish: no channel frame came with it.
    const answers = [await ws.next(), await ws.next()]
    expect(answers.map((f) => f.id).sort()).toEqual([7, 8])
    await ws.close()
  })

  it('a subscribe to an unknown channel is a 404 error frame', async () => {
    const ws = await openWs(wsUrl(t.url, '/ws'))
    ws.send({ id: 1, subscribe: 'nope' })
    expect(await ws.next()).toMatchObject({ id: 1, error: { status: 404, type: 'urn:serval:problem:not-found' } })
    ws.send({ id: 2, unsubscribe: 'nope' })
    expect(await ws.next()).toMatchObject({ id: 2, error: { status: 404 } })
    await ws.close()
  })
})

describe('GET /ws with auth on', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await securedChat()
  })
  afterAll(() => t.close())

  it('a bad token is a 401 problem before the upgrade; no token is allowed (public actions)', async () => {
    const answer = await rawUpgrade(t.url, '/ws', bearer('nonsense'))
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:serval:problem:unauthorized' })
    expect((await rawUpgrade(t.url, '/ws?access_token=nonsense')).status).toBe(401)
    const anonymous = await openWs(wsUrl(t.url, '/ws'))
    anonymous.send({ id: 1, action: 'add', input: { a: 1, b: 1 } })
    expect(await anonymous.next()).toEqual({ id: 1, output: { sum: 2 } })
    anonymous.send({ id: 2, action: 'whoami', input: {} })
    expect(await anonymous.next()).toMatchObject({ id: 2, error: { status: 401 } })
    anonymous.send({ id: 3, subscribe: 'staff' })
    expect(await anonymous.next()).toMatchObject({ id: 3, error: { status: 401 } })
    await anonymous.close()
  })

  it('applies access rules per call and per subscription with the socket token', async () => {
    const ws = await openWs(wsUrl(t.url, `/ws?access_token=${await hs256({ sub: 'ann' })}`))
    ws.send({ id: 1, action: 'whoami', input: {} })
    expect(await ws.next()).toEqual({ id: 1, output: 'ann' })
    ws.send({ id: 2, subscribe: 'staff' })
    expect(await ws.next()).toMatchObject({ id: 2, error: { status: 403, type: 'urn:serval:problem:forbidden' } })
    ws.send({ id: 3, subscribe: 'members' })
    expect(await ws.next()).toMatchObject({ id: 3, subscribed: 'members' })
    await ws.close()
  })
})
