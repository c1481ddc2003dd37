import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelsOf } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { deleteKeys, eventually, REDIS_URL, redisAvailable, uniquePrefix } from '../support/redis.ts'
import { run, wsClient } from './support.ts'

// Two apps in this process on the real Redis, under a prefix of their own. Events are published on
// A's hub directly: the fixture's channel object is shared by both apps here, its publish() would reach both.
const hasRedis = await redisAvailable('GraphQL subscriptions on Redis')
const SUBS = fileURLToPath(new URL('../fixtures/graphql-subs', import.meta.url))
const prefix = uniquePrefix('graphql-subs')
let a: TestServer
let b: TestServer

describe.skipIf(!hasRedis)('GraphQL subscriptions across instances (Redis pub/sub)', () => {
  beforeAll(async () => {
    const settings = { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0 }
    ;[a, b] = await Promise.all([createTestServer({ dirs: [SUBS] }, settings), createTestServer({ dirs: [SUBS] }, settings)])
  }, 30_000)
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    await deleteKeys(prefix)
  })

  it('an event published on A reaches a subscriber on B; a targeted one finds its socket by the connectionId of the ack', async () => {
    let connectionId = ''
    const client = wsClient(b)
    client.on('connected', (_socket, payload) => (connectionId = String((payload as { connectionId?: string } | undefined)?.connectionId)))
    const news = run(client, 'subscription { news { text } }')
    await eventually(() => (channelsOf(b.app).hub.count('news') === 1 ? true : undefined), 'the subscription on B')
    await channelsOf(a.app).hub.publish('news', { text: 'from A' })
    expect(await news.next()).toEqual({ data: { news: { text: 'from A' } } })
    expect(connectionId.startsWith(`${channelsOf(b.app).hub.instance}.`)).toBe(true)
    await channelsOf(a.app).hub.publish('news', { text: 'just you' }, connectionId)
    expect(await news.next()).toEqual({ data: { news: { text: 'just you' } } })
    await client.dispose()
    await eventually(() => (channelsOf(b.app).hub.count('news') === 0 ? true : undefined), 'B to forget the socket')
  })
})
