import { createServer, connect, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { Redis } from 'ioredis'
import pino from 'pino'
import { ServalError } from '../errors/index.ts'
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from '../../test/support/redis.ts'
import { RedisSessionStore } from './session-redis.ts'

const available = await redisAvailable('RedisSessionStore')
const prefix = uniquePrefix('session-store')
const log = pino({ level: 'silent' })
const record = (expiresAt: number) => ({ username: 'ada', createdAt: 1, expiresAt, touchedAt: 1 })

describe.skipIf(!available)('RedisSessionStore', () => {
  const raw = new Redis(REDIS_URL)
  afterAll(async () => {
    await deleteKeys(prefix)
    raw.disconnect()
  })

  it('keeps a session under <prefix>:session:<key>, expiring in Redis with the session', async () => {
    let now = 1_000_000
    const store = new RedisSessionStore(REDIS_URL, prefix, log, () => now)
    try {
      await store.put('k1', record(now + 60_000))
      expect(await store.get('k1')).toEqual(record(now + 60_000))
      expect(JSON.parse((await raw.get(`${prefix}:session:k1`))!)).toEqual(record(now + 60_000))
      const ttl = await raw.pttl(`${prefix}:session:k1`)
      expect(ttl).toBeGreaterThan(50_000)
      expect(ttl).toBeLessThanOrEqual(60_000)
      expect(await store.get('other')).toBeUndefined()
      now += 60_000 // past expiresAt, though Redis has not dropped the key yet
      expect(await store.get('k1')).toBeUndefined()
    } finally {
      await store.close()
    }
  })

  it('uses one producer connection, named so an operator can tell it apart, and close ends it', async () => {
    const store = new RedisSessionStore(REDIS_URL, prefix, log)
    const named = async () => String(await raw.client('LIST')).split('\n').filter((line) => line.includes(` name=serval:producer:${prefix} `)).length
    await store.put('k4', record(Date.now() + 60_000))
    await store.get('k4')
    expect(await named()).toBe(1)
    await store.close()
    await vi.waitFor(async () => expect(await named()).toBe(0))
  })

  it('a session already expired when written is accepted, and gone at once', async () => {
    const now = 1_000_000
    const store = new RedisSessionStore(REDIS_URL, prefix, log, () => now)
    try {
      await store.put('late', record(now - 5))
      expect(await store.get('late')).toBeUndefined()
      expect(await raw.pttl(`${prefix}:session:late`)).toBeLessThanOrEqual(1)
    } finally {
      await store.close()
    }
  })

  it('deletes a session (logout), on every instance', async () => {
    const now = Date.now()
    const [a, b] = [new RedisSessionStore(REDIS_URL, prefix, log, () => now), new RedisSessionStore(REDIS_URL, prefix, log, () => now)]
    try {
      await a.put('k2', record(now + 60_000))
      expect(await b.get('k2')).toEqual(record(now + 60_000))
      await b.delete('k2')
      expect(await a.get('k2')).toBeUndefined()
      expect(await raw.exists(`${prefix}:session:k2`)).toBe(0)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it('while Redis is unreachable a use is a 503 with Retry-After; once it answers again, sessions work again', async () => {
    const port = await freePort()
    const store = new RedisSessionStore(`redis://127.0.0.1:${port}`, prefix, log)
    let proxy: Server | undefined
    try {
      const error = await store.get('k3').then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(ServalError)
      expect(error).toMatchObject({ code: 'unavailable', headers: { 'retry-after': '1' } })
      expect((error as ServalError).detail).toContain('session store')
      proxy = await proxyTo(port, new URL(REDIS_URL))
      await store.put('k3', record(Date.now() + 60_000))
      expect(await store.get('k3')).toMatchObject({ username: 'ada' })
    } finally {
      await store.close()
      proxy?.close()
    }
  })

  it('close before any use does nothing', async () => {
    await expect(new RedisSessionStore(REDIS_URL, prefix, log).close()).resolves.toBeUndefined()
  })
})

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** A TCP proxy on `port` to the real Redis: Redis "coming back" at the address the store was given. */
async function proxyTo(port: number, target: URL): Promise<Server> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => undefined).on('close', () => sockets.delete(s))
    }
    client.pipe(upstream).pipe(client)
  })
  const close = server.close.bind(server)
  server.close = (cb) => {
    for (const s of sockets) s.destroy()
    return close(cb)
  }
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  return server
}
