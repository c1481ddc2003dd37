import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { openWs, wsUrl } from '../support/ws.ts'
import { post } from './support.ts'

describe('examples/channels.ts (the chat room)', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ dirs: ['examples'] }, { workers: 0 })
  })
  afterAll(() => t.close())

  it('a broadcast reaches the room, over /channels/room and over /ws', async () => {
    const listener = await openWs(wsUrl(t.url, '/channels/room'))
    const ws = await openWs(wsUrl(t.url, '/ws'))
    await listener.next()
    ws.send({ id: 1, subscribe: 'room' })
    await ws.next()
    expect(await post(t, 'broadcast', { from: 'ann', text: 'hi' })).toMatchObject({ status: 200, json: { sent: true } })
    expect(await listener.next()).toEqual({ channel: 'room', event: { from: 'ann', text: 'hi' } })
    expect(await ws.next()).toEqual({ channel: 'room', event: { from: 'ann', text: 'hi' } })
    expect(await post(t, 'broadcast', { from: '', text: 'hi' })).toMatchObject({ status: 422 })
    await Promise.all([listener.close(), ws.close()])
  })
})
