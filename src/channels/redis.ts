import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { ServalError } from '../errors/index.ts'
import { connectRedis, redisErrorLog } from '../jobs/redis/connection.ts'
import type { ChannelHub, Fanout } from './hub.ts'

/** A message between instances: origin instance, channel, event and, when targeted, the connection. */
interface Wire {
  readonly o: string
  readonly c: string
  readonly e: unknown
  readonly t?: string
}

/**
 * Where a Redis fan-out connects.
 *
 * @example
 * ```ts
 * const options: RedisFanoutOptions = { url: 'redis://127.0.0.1:6379', prefix: 'serval', logger }
 * ```
 */
export interface RedisFanoutOptions {
  readonly url: string
  readonly prefix: string
  readonly logger: Logger
}

/**
 * Fan-out over Redis pub/sub. Publishing connects on first use, so any
 * process (a server, `serval worker`, `serval run`) reaches every instance;
 * `listen()` opens ONE subscriber connection per process (not one per
 * socket) on the broadcast channel and this instance's own channel
 * (targeted publishes), and resolves once both subscriptions are active.
 *
 * @example
 * ```ts
 * const fanout = redisFanout(hub, { url, prefix: 'serval', logger })
 * hub.useFanout(fanout)
 * await fanout.listen()
 * ```
 */
export function redisFanout(hub: ChannelHub, options: RedisFanoutOptions): Fanout & { listen(): Promise<void> } {
  const all = `${options.prefix}:channels`
  const errors = redisErrorLog(options.logger, options.url)
  // A publish fails fast (the producer role: an action is waiting on it); the subscriber waits out an outage and resubscribes.
  const connect = (role: 'producer' | 'subscriber') => connectRedis({ url: options.url, role, prefix: options.prefix, errors })
  let publisher: Promise<Redis> | undefined
  let subscriber: Promise<Redis> | undefined
  const send = async (channel: string, wire: Wire) => {
    try {
      // A failed connect is forgotten, so the next publish tries again.
      const redis = await (publisher ??= connect('producer').catch((error: unknown) => {
        publisher = undefined
        throw error
      }))
      await redis.publish(channel, JSON.stringify(wire))
    } catch (error) {
      options.logger.error({ err: error, channel: wire.c }, 'channel fan-out failed: other instances missed an event')
      // The Redis address stays in the log, out of the caller's problem.
      throw new ServalError('unavailable', { detail: 'The event could not reach the other instances: Redis is unavailable' })
    }
  }
  return {
    broadcast: (channel, event) => send(all, { o: hub.instance, c: channel, e: event }),
    target: (instance, channel, event, connectionId) => send(`${all}:${instance}`, { o: hub.instance, c: channel, e: event, t: connectionId }),
    listen: async () => {
      const redis = await (subscriber ??= connect('subscriber'))
      redis.on('message', (_channel: string, text: string) => onMessage(hub, text, options.logger))
      await redis.subscribe(all, `${all}:${hub.instance}`)
    },
    close: () => quit([publisher, subscriber]),
  }
}

function onMessage(hub: ChannelHub, text: string, logger: Logger): void {
  let wire: Wire
  try {
    wire = JSON.parse(text) as Wire
  } catch (error) {
    return void logger.warn({ err: error }, 'ignored a malformed channel message from Redis')
  }
  // This instance delivered its own broadcasts already, without the round trip.
  if (wire.o === hub.instance && wire.t === undefined) return
  hub.deliver(wire.c, wire.e, wire.t)
}

async function quit(connections: (Promise<Redis> | undefined)[]): Promise<void> {
  await Promise.all(
    connections.map(async (pending) => {
      const c = await pending?.catch(() => undefined)
      await c?.quit().catch(() => c.disconnect())
    }),
  )
}
