import { createServer, connect, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { REDIS_URL } from './redis.ts'

/**
 * A TCP proxy on 127.0.0.1 in front of the shared Redis, so a test can cut
 * or blackhole ITS OWN connections (an outage) without touching Redis or
 * anyone else's connections.
 */
export interface RedisProxy {
  /** `redis://127.0.0.1:<proxy port>` */
  readonly url: string
  /**
   * - `open`: forwards.
   * - `down`: every connection is reset, new ones too (a Redis that is gone).
   * - `blackhole`: connections stay up but nothing gets through (a Redis that hangs).
   * - `no-new`: connections that are up stay up; new ones are reset.
   */
  mode(mode: Mode): void
  /** Connection attempts seen while not open. */
  readonly refused: number
  /** Local ports of the proxy's connections to Redis: `addr=127.0.0.1:<port>` in `CLIENT LIST`. */
  upstreamPorts(): Set<number>
  close(): Promise<void>
}

type Mode = 'open' | 'down' | 'blackhole' | 'no-new'

interface Pair {
  client: Socket
  upstream: Socket
}

/** Starts a proxy to the test Redis on an ephemeral port. */
export async function startRedisProxy(): Promise<RedisProxy> {
  const target = new URL(REDIS_URL)
  const pairs = new Set<Pair>()
  const held = new Set<Socket>()
  let current: Mode = 'open'
  let refused = 0
  const server: Server = createServer((client) => {
    if (current !== 'open') {
      refused++
      if (current !== 'blackhole') client.destroy()
      else held.add(client.on('error', () => undefined))
      return
    }
    const upstream = connect(Number(target.port || 6379), target.hostname)
    const pair = { client, upstream }
    pairs.add(pair)
    const drop = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
    const flows = () => current === 'open' || current === 'no-new'
    client.on('data', (chunk) => flows() && upstream.write(chunk))
    upstream.on('data', (chunk) => flows() && client.write(chunk))
  })
  const cutAll = () => {
    for (const p of [...pairs]) for (const socket of [p.client, p.upstream]) socket.destroy()
    for (const s of held) s.destroy()
    held.clear()
  }
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  return {
    url: `redis://127.0.0.1:${port}`,
    get refused() {
      return refused
    },
    mode(mode) {
      // Leaving a blackhole resets its connections too: requests were dropped, so their replies would be out of step.
      if (mode === 'down' || (mode === 'open' && current === 'blackhole')) cutAll()
      current = mode
      refused = 0
    },
    upstreamPorts: () => new Set([...pairs].map((p) => p.upstream.localPort).filter((p): p is number => p !== undefined)),
    async close() {
      cutAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
