import { Server as NetServer, type Socket } from 'node:net'
import type { Server as HttpServer } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import { ServalError } from '../errors/index.ts'
import type { InFlight } from '../ops/in-flight.ts'
import { opsOf } from '../ops/state.ts'
import { entriesOn, lastEnd, upgradedSockets } from './in-flight.ts'
import { sendProblem } from './problem-reply.ts'

/**
 * How long a keep-alive socket must have been idle before the drain
 * closes it. A socket idle at the very moment of the drain may have a
 * request on the wire (a client loops: response in, next request out);
 * closing it then resets that request. Waiting this long lets the request
 * arrive and be answered 503 with `Connection: close` instead. 100 ms was
 * not enough on a loaded machine (a looping client took longer to send
 * its next request): a second costs an idle pool connection one more
 * second of shutdown, and nobody a reset.
 */
export const IDLE_LINGER_MS = 1000
const SWEEP_MS = 10

const tracked = new WeakMap<HttpServer, Set<Socket>>()
const IDLE_SINCE = Symbol('serval.idleSince')
type Marked = Socket & { [IDLE_SINCE]?: number }

/**
 * Keeps the open sockets of a server (per connection, never per request),
 * so a drain can close each one when it is done. Call before listening.
 *
 * @example
 * ```ts
 * trackSockets(fastify.server)
 * ```
 */
export function trackSockets(server: HttpServer): void {
  const sockets = new Set<Socket>()
  tracked.set(server, sockets)
  const event = 'setSecureContext' in server ? 'secureConnection' : 'connection' // TLS requests carry the TLSSocket
  server.on(event, (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
}

/**
 * Answers a request that arrives while draining: 503 `unavailable`
 * ("draining"). It carries `Connection: close` unless an earlier request
 * on the same socket is still being answered (pipelined): then the
 * earlier one keeps its socket open for this answer, and the socket
 * closes once idle.
 *
 * @example
 * ```ts
 * if (app.draining) return refuseDraining(app, request, reply)
 * ```
 */
export function refuseDraining(app: App, request: FastifyRequest, reply: FastifyReply): void {
  const earlier = entriesOn(opsOf(app).inFlight, request.raw.socket).filter((e) => e.request !== request)
  if (earlier.length === 0) reply.header('connection', 'close')
  for (const e of earlier) if (!e.reply.raw.headersSent) e.reply.raw.shouldKeepAlive = true
  void sendProblem(app, request, reply, new ServalError('unavailable', { detail: 'The server is shutting down', publicDetail: true }))
}

/**
 * Drains without resets: stops accepting connections (without Node's
 * close of idle sockets), makes the last response on each busy socket
 * say `Connection: close`, closes each socket once it has been idle for
 * `IDLE_LINGER_MS`, and after `graceMs` cuts what is left. Resolves
 * when no HTTP socket is open (WebSockets are the server close's job).
 *
 * @example
 * ```ts
 * await drainSockets(host.server, [opsOf(app).inFlight], app.settings.shutdown_grace_s * 1000)
 * ```
 */
export async function drainSockets(node: HttpServer, inFlights: readonly InFlight[], graceMs: number): Promise<void> {
  const inFlight = merged(inFlights)
  if (node.listening) NetServer.prototype.close.call(node) // http.Server#close would reset idle sockets at once
  const sockets = tracked.get(node) ?? new Set<Socket>()
  for (const socket of sockets) closeAfterLast(inFlight, socket)
  const deadline = performance.now() + graceMs
  while (httpSockets(sockets).length > 0 && performance.now() < deadline) {
    sweep(inFlight, httpSockets(sockets))
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS))
  }
  for (const socket of httpSockets(sockets)) socket.destroy()
}

/** The requests in flight on every app of the server (the root, its mounts, a generation being retired). */
function merged(inFlights: readonly InFlight[]): Pick<InFlight, 'entries'> {
  return inFlights.length === 1 ? inFlights[0]! : { entries: () => inFlights.flatMap((f) => f.entries()) }
}

function httpSockets(sockets: Set<Socket>): Socket[] {
  return [...sockets].filter((s) => !upgradedSockets.has(s) && !s.destroyed)
}

/** The last unsent response on a busy socket says `Connection: close`: Node closes the socket after writing it. */
function closeAfterLast(inFlight: Pick<InFlight, 'entries'>, socket: Socket): void {
  const last = entriesOn(inFlight, socket).at(-1)
  if (last && !last.reply.raw.headersSent) last.reply.raw.shouldKeepAlive = false
}

/**
 * Closes the sockets idle for `IDLE_LINGER_MS`: idle since their last
 * response ended, or, for one that never had a request, since the drain
 * first saw it. A socket long idle closes at once.
 */
function sweep(inFlight: Pick<InFlight, 'entries'>, sockets: Socket[]): void {
  const now = performance.now()
  const busy = new Set(inFlight.entries().map((e) => (e as { socket?: Socket }).socket))
  for (const socket of sockets as Marked[]) {
    if (busy.has(socket)) socket[IDLE_SINCE] = undefined
    else if (now - (socket[IDLE_SINCE] ??= lastEnd(socket) ?? now) >= IDLE_LINGER_MS) socket.destroy()
  }
}
