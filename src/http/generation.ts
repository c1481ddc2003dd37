import { EventEmitter } from 'node:events'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { App } from '../app/app.ts'
import type { ConcurrencySlots } from '../ops/slots.ts'
import { opsOf } from '../ops/state.ts'
import { buildHttpServer, startServing, type HttpOptions } from './server.ts'

const LOCAL = new Set<string | symbol>(['upgrade', 'request', 'clientError'])

type Handler = (req: IncomingMessage, res: ServerResponse) => void

/**
 * The server a generation's Fastify instance believes it has. The host owns
 * the one listening socket; this stand-in receives the upgrades the host
 * hands it, answers connection questions for the real server, and never
 * closes it: retiring one generation must not stop the others.
 */
class DetachedServer extends EventEmitter {
  readonly listening = false
  maxConnections = 0
  constructor(private readonly real: () => Server) {
    super()
  }
  // Socket-level events ('connection', 'secureConnection', 'tlsClientError'…) are the
  // real server's: a listener added here goes there. 'upgrade' stays here (the host
  // hands each generation its own); 'request' and 'clientError' are the host's.
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    if (LOCAL.has(event)) return super.on(event, listener)
    this.real().on(event as string, listener)
    return this
  }
  override once(event: string | symbol, listener: (...args: any[]) => void): this {
    if (LOCAL.has(event)) return super.once(event, listener)
    this.real().once(event as string, listener)
    return this
  }
  override off(event: string | symbol, listener: (...args: any[]) => void): this {
    if (LOCAL.has(event)) return super.off(event, listener)
    this.real().off(event as string, listener)
    return this
  }
  override addListener(event: string | symbol, listener: (...args: any[]) => void): this {
    return this.on(event, listener)
  }
  override removeListener(event: string | symbol, listener: (...args: any[]) => void): this {
    return this.off(event, listener)
  }
  address() {
    return this.real().address()
  }
  getConnections(callback: (error: Error | null, count: number) => void): this {
    this.real().getConnections(callback)
    return this
  }
  close(callback?: (error?: Error) => void): this {
    if (callback) process.nextTick(callback)
    return this
  }
  closeIdleConnections(): void {
    this.real().closeIdleConnections()
  }
  closeAllConnections(): void {
    this.real().closeAllConnections()
  }
}

/**
 * One built app and its Fastify instance, behind the host's socket. A
 * generation that can be retired (dev reload, a runtime mount) counts its
 * in-flight requests, so retiring waits for them; the root app of
 * `serval serve` is never retired and pays nothing for it.
 */
export class Generation {
  readonly app: App
  readonly fastify: FastifyInstance
  /** Hands one request to this generation's Fastify routing. */
  readonly handle: Handler
  readonly #server: DetachedServer
  #inflight = 0
  #idle: (() => void) | undefined
  #retired: Promise<void> | undefined

  private constructor(app: App, fastify: FastifyInstance, server: DetachedServer, routing: Handler, tracked: boolean) {
    this.app = app
    this.fastify = fastify
    this.#server = server
    this.handle = tracked ? (req, res) => this.#tracked(routing, req, res) : routing
  }

  /**
   * Builds the Fastify instance of `app` on a detached server and readies
   * it. Extensions do not start serving yet (workers, schedules): the host
   * calls `serve()` once the generation this one replaces has stopped.
   *
   * @example
   * ```ts
   * const gen = await Generation.build(app, () => realServer, { tracked: true, slots: host.slots })
   * ```
   */
  static async build(app: App, real: () => Server, options: HttpOptions & { tracked: boolean; slots?: ConcurrencySlots }): Promise<Generation> {
    const server = new DetachedServer(real)
    let routing: Handler | undefined
    const { tracked, slots, ...http } = options
    // Before the routes are built: the limit step reads it. One count for the whole host.
    if (slots) opsOf(app).inFlight.shareSlots(slots)
    const factory = (handler: Handler) => ((routing = handler), server as unknown as Server)
    const fastify = await buildHttpServer(app, { ...http, serverFactory: factory, serve: false })
    await fastify.ready()
    return new Generation(app, fastify, server, routing as Handler, tracked)
  }

  /** Starts the extensions' serving side (job workers, schedules). */
  serve(): Promise<void> {
    return startServing(this.app)
  }

  /** Hands a WebSocket upgrade to this generation (its `/ws` and `/channels/*`). */
  upgrade(req: IncomingMessage, socket: unknown, head: Buffer): void {
    this.#server.emit('upgrade', req, socket, head)
  }

  /** Requests this generation is answering now (0 when not tracked). */
  get inflight(): number {
    return this.#inflight
  }

  #tracked(routing: Handler, req: IncomingMessage, res: ServerResponse): void {
    this.#inflight++
    res.once('close', () => {
      if (--this.#inflight === 0) this.#idle?.()
    })
    routing(req, res)
  }

  /**
   * Retires the generation once no request is in flight, or after
   * `graceMs`: then its handlers are aborted (an endless SSE stream ends),
   * its WebSockets closed and its extensions stopped. Idempotent.
   */
  retire(graceMs: number): Promise<void> {
    return (this.#retired ??= (async () => {
      await this.#drained(graceMs)
      await this.app.close()
      await this.fastify.close()
    })())
  }

  #drained(graceMs: number): Promise<void> {
    if (this.#inflight === 0) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs)
      timer.unref()
      this.#idle = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}
