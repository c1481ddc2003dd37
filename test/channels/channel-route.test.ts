import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from 'serval/testing'
import { channelsOf, ServalError } from 'serval'
import { bearer, hs256 } from '../security/support.ts'
import { openWs, rawUpgrade, wsUrl } from '../support/ws.ts'
import { chatServer, post, securedChat } from './support.ts'
import { messenger } from '../fixtures/channels/chat.ts'

describe('GET /channels/{name}', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await chatServer()
  })
  afterAll(() => t.close())

  it('sends { channel, connectionId } first, then one frame per event', async () => {
    const client = await openWs(wsUrl(t.url, '/channels/messenger'))
    const hello = await client.next()
    expect(hello).toEqual({ channel: 'messenger', connectionId: expect.any(String) })
    expect(await post(t, 'broadcast', { text: 'hi' })).toMatchObject({ status: 200, json: { sent: true } })
    expect(await client.next()).toEqual({ channel: 'messenger', event: { text: 'hi' } })
    await client.close()
  })

  it('delivers a targeted publish to that connection only', async () => {
    const a = await openWs(wsUrl(t.url, '/channels/messenger'))
    const b = await openWs(wsUrl(t.url, '/channels/messenger'))
    const { connectionId } = await a.next()
    await b.next()
    await post(t, 'broadcast', { text: 'for a', connectionId })
    await post(t, 'broadcast', { text: 'for all' })
    expect(await a.next()).toEqual({ channel: 'messenger', event: { text: 'for a' } })
    expect(await a.next()).toEqual({ channel: 'messenger', event: { text: 'for all' } })
    // b's first event is the broadcast: the targeted one never reached it.
    expect(await b.next()).toEqual({ channel: 'messenger', event: { text: 'for all' } })
    await Promise.all([a.close(), b.close()])
  })

  it('validates events: a bad one throws a ServalError and reaches nobody', async () => {
    const client = await openWs(wsUrl(t.url, '/channels/messenger'))
    await client.next()
    const bad = await messenger.publish({ text: 42 } as never).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(ServalError)
    expect(bad).toMatchObject({ status: 422, code: 'invalid-input' })
    expect(await post(t, 'broadcast', { text: 1 })).toMatchObject({ status: 422 })
    await messenger.publish({ text: 'after' })
    expect(await client.next()).toEqual({ channel: 'messenger', event: { text: 'after' } })
    await client.close()
  })

  it('forgets a subscriber once its socket closes', async () => {
    const client = await openWs(wsUrl(t.url, '/channels/messenger'))
    await client.next()
    const before = channelsOf(t.app).hub.count('messenger')
    await client.close()
    await expect.poll(() => channelsOf(t.app).hub.count('messenger')).toBe(before - 1)
  })

  it('answers an unknown channel with a 404 problem before any upgrade', async () => {
    const answer = await rawUpgrade(t.url, '/channels/nope')
    expect(answer.status).toBe(404)
    expect(answer.headers['content-type']).toContain('application/problem+json')
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:serval:problem:not-found', status: 404, detail: 'No channel "nope"' })
  })

  it('answers an upgrade of any other path with a 404 problem, and closes it', async () => {
    for (const path of ['/nope', '/actions/add', '/wsx', '/channels']) {
      const answer = await rawUpgrade(t.url, path)
      expect(answer.status).toBe(404)
      expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:serval:problem:not-found', detail: `No WebSocket at ${path}` })
    }
  })

  it('answers a plain GET (no upgrade) with a 426 problem', async () => {
    const res = await t.fetch('/channels/messenger')
    expect(res.status).toBe(426)
    expect(res.headers.get('upgrade')).toBe('websocket')
    expect(await res.json()).toMatchObject({ type: 'urn:serval:problem:upgrade-required' })
  })
})

describe('GET /channels/{name} with auth on', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await securedChat()
  })
  afterAll(() => t.close())

  it('401 without a token on a protected channel, with WWW-Authenticate', async () => {
    const answer = await rawUpgrade(t.url, '/channels/staff')
    expect(answer.status).toBe(401)
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/)
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:serval:problem:unauthorized', status: 401 })
  })

  it('401 for a bad token, in the header or in ?access_token=', async () => {
    const forged = await hs256({ sub: 'ann', scope: 'admin' }, { secret: 'another-secret-that-is-at-least-32-chars' })
    expect((await rawUpgrade(t.url, '/channels/staff', bearer(forged))).status).toBe(401)
    expect((await rawUpgrade(t.url, `/channels/staff?access_token=${forged}`)).status).toBe(401)
    expect((await rawUpgrade(t.url, '/channels/messenger?access_token=not-a-jwt')).status).toBe(401)
  })

  it('403 for a principal the access rule denies (scopes, predicate)', async () => {
    const noScope = await hs256({ sub: 'ann' })
    const staff = await rawUpgrade(t.url, '/channels/staff', bearer(noScope))
    expect(staff.status).toBe(403)
    expect(JSON.parse(staff.body)).toMatchObject({ type: 'urn:serval:problem:forbidden' })
    const mallory = await hs256({ sub: 'mallory' })
    expect((await rawUpgrade(t.url, `/channels/members?access_token=${mallory}`)).status).toBe(403)
  })

  it('admits a good token from the header or the query', async () => {
    const admin = await hs256({ sub: 'ann', scope: 'admin' })
    const viaHeader = await openWs(wsUrl(t.url, '/channels/staff'), { headers: bearer(admin) })
    expect(await viaHeader.next()).toMatchObject({ channel: 'staff' })
    const bob = await hs256({ sub: 'bob' })
    const viaQuery = await openWs(wsUrl(t.url, `/channels/members?access_token=${bob}`))
    expect(await viaQuery.next()).toMatchObject({ channel: 'members' })
    await Promise.all([viaHeader.close(), viaQuery.close()])
  })

  it('filters per subscriber: an event addressed to ann reaches ann only', async () => {
    const ann = await openWs(wsUrl(t.url, `/channels/messenger?access_token=${await hs256({ sub: 'ann' })}`))
    const bob = await openWs(wsUrl(t.url, `/channels/messenger?access_token=${await hs256({ sub: 'bob' })}`))
    const anonymous = await openWs(wsUrl(t.url, '/channels/messenger'))
    await Promise.all([ann.next(), bob.next(), anonymous.next()])
    await messenger.publish({ text: 'psst', to: 'ann' })
    await messenger.publish({ text: 'everyone' })
    expect(await ann.next()).toEqual({ channel: 'messenger', event: { text: 'psst', to: 'ann' } })
    expect(await bob.next()).toEqual({ channel: 'messenger', event: { text: 'everyone' } })
    expect(await anonymous.next()).toEqual({ channel: 'messenger', event: { text: 'everyone' } })
    await Promise.all([ann.close(), bob.close(), anonymous.close()])
  })
})
