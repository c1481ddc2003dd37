import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from '../support/redis.ts'
import { spawnServer, stop } from '../support/serval-process.ts'
import { openWs, wsUrl } from '../support/ws.ts'
import { CHAT } from './support.ts'

// Two real `serval serve` processes on the real Redis, under a prefix of their own.
const hasRedis = await redisAvailable('channels on Redis')
const prefix = uniquePrefix('channels')
const tmp = mkdtempSync(join(tmpdir(), 'serval-channels-'))
const servers: { child: ChildProcess; url: string }[] = []

function serveOne(n: number) {
  return spawnServer([CHAT, '--redis-url', REDIS_URL, '--redis-prefix', prefix, '--workers', '0', '--data-dir', join(tmp, `d${n}`)])
}

function pair(): [{ url: string }, { url: string }] {
  return [servers[0]!, servers[1]!]
}

async function broadcast(url: string, input: unknown): Promise<void> {
  const res = await fetch(`${url}/actions/broadcast`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) })
  expect(res.status).toBe(200)
}

describe.skipIf(!hasRedis)('channels across instances (Redis pub/sub)', () => {
  beforeAll(async () => {
    servers.push(...(await Promise.all([serveOne(1), serveOne(2)])))
  }, 60_000)

  afterAll(async () => {
    await Promise.all(servers.map((s) => stop(s.child)))
    await deleteKeys(prefix)
    rmSync(tmp, { recursive: true, force: true })
  })

  it('a publish on A reaches subscribers on A and on B, once each', async () => {
    const [a, b] = pair()
    const onA = await openWs(wsUrl(a.url, '/channels/messenger'))
    const onB = await openWs(wsUrl(b.url, '/ws'))
    await onA.next()
    onB.send({ id: 1, subscribe: 'messenger' })
    await onB.next()
    await broadcast(a.url, { text: 'from A' })
    await broadcast(b.url, { text: 'from B' })
    expect([await onA.next(), await onA.next()]).toEqual([
      { channel: 'messenger', event: { text: 'from A' } },
      { channel: 'messenger', event: { text: 'from B' } },
    ])
    expect([await onB.next(), await onB.next()]).toEqual([
      { channel: 'messenger', event: { text: 'from A' } },
      { channel: 'messenger', event: { text: 'from B' } },
    ])
    await Promise.all([onA.close(), onB.close()])
  })

  it('a targeted publish on A reaches its connection on B, and no other subscriber', async () => {
    const [a, b] = pair()
    const target = await openWs(wsUrl(b.url, '/channels/messenger'))
    const other = await openWs(wsUrl(b.url, '/channels/messenger'))
    const onA = await openWs(wsUrl(a.url, '/channels/messenger'))
    const { connectionId } = await target.next()
    await Promise.all([other.next(), onA.next()])
    await broadcast(a.url, { text: 'just you', connectionId })
    await broadcast(a.url, { text: 'everyone' })
    expect(await target.next()).toEqual({ channel: 'messenger', event: { text: 'just you' } })
    expect(await target.next()).toEqual({ channel: 'messenger', event: { text: 'everyone' } })
    // The others' first event is the broadcast: the targeted one went to one socket only.
    expect(await other.next()).toEqual({ channel: 'messenger', event: { text: 'everyone' } })
    expect(await onA.next()).toEqual({ channel: 'messenger', event: { text: 'everyone' } })
    await Promise.all([target.close(), other.close(), onA.close()])
  })

  it('holds ONE subscriber connection per process, however many sockets', async () => {
    const [, b] = pair()
    const sockets = await Promise.all([1, 2, 3, 4, 5].map(() => openWs(wsUrl(b.url, '/channels/messenger'))))
    await Promise.all(sockets.map((s) => s.next()))
    const redis = new Redis(REDIS_URL)
    try {
      const [, subscribers] = (await redis.pubsub('NUMSUB', `${prefix}:channels`)) as [string, number]
      expect(subscribers).toBe(2)
    } finally {
      redis.disconnect()
      await Promise.all(sockets.map((s) => s.close()))
    }
  })
})
