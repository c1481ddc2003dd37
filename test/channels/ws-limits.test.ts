import { afterEach, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import type { TestServer } from 'serval/testing'
import { channelsOf } from 'serval'
import { guardedSender } from '../../src/ws/connection.ts'
import { messenger } from '../fixtures/channels/chat.ts'
import { openWs, rawUpgrade, wsUrl } from '../support/ws.ts'
import { eventually } from '../support/redis.ts'
import { chatServer } from './support.ts'

let t: TestServer | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

describe('sockets under load', () => {
  it('pings every ws_ping_s and drops a peer that does not answer; a live one stays', async () => {
    t = await chatServer({ ws_ping_s: 1 })
    const dead = await openWs(wsUrl(t.url, '/channels/messenger'), { autoPong: false })
    const live = await openWs(wsUrl(t.url, '/channels/messenger'))
    await Promise.all([dead.next(), live.next()])
    let pinged = false
    dead.socket.on('ping', () => (pinged = true))
    expect(await dead.closed).toBe(1006) // terminated, no close handshake
    expect(pinged).toBe(true)
    expect(live.socket.readyState).toBe(live.socket.OPEN)
    await messenger.publish({ text: 'still here' })
    expect(await live.next()).toEqual({ channel: 'messenger', event: { text: 'still here' } })
    await live.close()
  })

  it('closes a subscriber that stops reading with 1013 once it passes ws_max_buffer, dropping the rest', async () => {
    t = await chatServer({ ws_max_buffer: 65_536 })
    const slow = await openWs(wsUrl(t.url, '/channels/messenger'))
    await slow.next()
    slow.socket.pause() // stops reading: the server's unsent data grows
    const text = 'x'.repeat(64 * 1024)
    const published = 300 // ~19 MiB: far past the limit and the kernel's buffers
    for (let i = 0; i < published; i++) await messenger.publish({ text })
    let received = 0
    slow.socket.on('message', () => received++)
    slow.socket.resume()
    expect(await slow.closed).toBe(1013)
    expect(received).toBeLessThan(published / 2)
    await eventually(() => (channelsOf(t!.app).hub.count('messenger') === 0 ? true : undefined), 'the slow subscriber to be forgotten')
  })

  it('queues at most ws_max_buffer plus one frame for a socket that never drains', () => {
    const sent: string[] = []
    const closed: number[] = []
    const socket = {
      OPEN: 1,
      readyState: 1,
      bufferedAmount: 0,
      send(text: string) {
        sent.push(text)
        this.bufferedAmount += text.length
      },
      close: (code: number) => closed.push(code),
      terminate: () => undefined,
    }
    const send = guardedSender(socket as unknown as WebSocket, 10_000)
    for (let i = 0; i < 1000; i++) send('y'.repeat(1000))
    expect(socket.bufferedAmount).toBeLessThanOrEqual(10_000 + 1000)
    expect(sent.length).toBe(11)
    expect(closed).toEqual([1013])
  })

  it('ws_max_connections bounds sockets: past it an upgrade is a 503 problem', async () => {
    t = await chatServer({ ws_max_connections: 2 })
    const a = await openWs(wsUrl(t.url, '/ws'))
    const b = await openWs(wsUrl(t.url, '/channels/messenger'))
    const refused = await rawUpgrade(t.url, '/channels/messenger')
    expect(refused.status).toBe(503)
    expect(refused.headers['retry-after']).toBe('5')
    expect(JSON.parse(refused.body)).toMatchObject({ type: 'urn:serval:problem:unavailable', status: 503 })
    await a.close()
    const c = await eventually(() => openWs(wsUrl(t!.url, '/ws')), 'a slot to free up')
    await Promise.all([b.close(), c.close()])
  })
})

describe('shutdown', () => {
  it('closes every socket with 1001 (going away)', async () => {
    const server = await chatServer()
    const channel = await openWs(wsUrl(server.url, '/channels/messenger'))
    const ws = await openWs(wsUrl(server.url, '/ws'))
    await channel.next()
    await server.close()
    expect(await channel.closed).toBe(1001)
    expect(await ws.closed).toBe(1001)
  })
})
