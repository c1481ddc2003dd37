import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import websocket from '@fastify/websocket'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import type { App } from '../app/app.ts'
import type { Principal } from '../auth/principal.ts'
import { admit } from '../channels/access.ts'
import { channelsOf } from '../channels/runtime.ts'
import { ServalError } from '../errors/index.ts'
import { sendProblem } from '../http/problem-reply.ts'
import { hasCredential } from '../http/security/credentials.ts'
import { CLOSE, guardedSender, startHeartbeat, watchPongs } from './connection.ts'
import { trackSockets } from './count.ts'
import { upgradeCredentials } from './credentials.ts'
import { frames } from './frames.ts'
import { WsSession } from './session.ts'
import { addUpgradeRoute, openSockets, refuseUpgrade, upgradeRoutes } from './upgrades.ts'

/** The principal admitted before the upgrade (a channel's subscriber, the caller of `/ws`), for the socket handler. */
const admitted = new WeakMap<FastifyRequest, Principal | null>()

/**
 * The WebSocket adapter: `GET /channels/{name}` (one channel) and `GET /ws`
 * (calls and channels on one socket), in their own encapsulated context so
 * the HTTP routes pay nothing for them. Everything that can refuse a socket
 * (unknown channel 404, token 401, access 403, `ws_max_connections` 503) is
 * decided before the upgrade and answered as a problem document.
 *
 * @example
 * ```ts
 * await registerWebSockets(server, app) // from buildHttpServer
 * ```
 */
export async function registerWebSockets(server: FastifyInstance, app: App): Promise<void> {
  const upgrades = routeUpgrades(server)
  await server.register(async (scope) => {
    await scope.register(websocket, {
      // `server`: the plugin listens here, so it only ever sees upgrades of its own paths.
      options: { maxPayload: app.settings.ws_max_payload, perMessageDeflate: false, server: upgrades as never },
      preClose: (done) => closeAll(scope, done),
    })
    addUpgradeRoute(server, { test: (path) => WS_PATH.test(path), handle: (...args) => void upgrades.emit('upgrade', ...args), clients: () => scope.websocketServer.clients.size })
    trackSockets(app, scope.websocketServer.clients)
    const stopHeartbeat = startHeartbeat(scope.websocketServer.clients, app.settings.ws_ping_s * 1000)
    scope.addHook('onClose', (_instance, done) => {
      stopHeartbeat()
      done()
    })
    const guard = (check: (request: FastifyRequest) => Promise<void>) => async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        if (openSockets(server) >= app.settings.ws_max_connections) throw full(app)
        await check(request)
      } catch (error) {
        return sendProblem(app, request, reply, error)
      }
    }
    const plain = (request: FastifyRequest, reply: FastifyReply) => sendProblem(app, request, reply, upgradeRequired(request))
    scope.route({ method: 'GET', url: '/channels/:name', preValidation: guard((r) => admitChannel(app, r)), handler: plain, wsHandler: (socket, r) => openChannel(app, socket, r) })
    scope.route({ method: 'GET', url: '/ws', preValidation: guard((r) => identify(app, r)), handler: plain, wsHandler: (socket, r) => openSession(app, socket, r) })
  })
}

const WS_PATH = /^\/(?:ws|channels\/[^/]+)\/?$/

/**
 * Hands each upgrade to the WebSocket path that takes it (`/ws` and
 * `/channels/{name}` here, `/graphql` from the GraphQL adapter). Any other
 * upgrade is answered 404 and closed here: routed through Fastify it would
 * reach a handler that cannot answer on an upgrading socket, and hang.
 */
function routeUpgrades(server: FastifyInstance): EventEmitter {
  const upgrades = new EventEmitter()
  server.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0] ?? ''
    const route = upgradeRoutes(server).find((r) => r.test(path))
    if (route) return route.handle(request, socket, head)
    refuseUpgrade(socket, { type: 'urn:serval:problem:not-found', title: 'Not found', status: 404, detail: `No WebSocket at ${path}` })
  })
  return upgrades
}

function upgradeRequired(request: FastifyRequest): ServalError {
  return new ServalError('upgrade-required', { detail: `${request.url.split('?')[0]} is a WebSocket: send Upgrade: websocket`, headers: { upgrade: 'websocket', connection: 'Upgrade' } })
}

function full(app: App): ServalError {
  return new ServalError('unavailable', { detail: `The server holds ws_max_connections (${app.settings.ws_max_connections}) WebSockets; try again later`, publicDetail: true, headers: { 'retry-after': '5' } })
}

async function admitChannel(app: App, request: FastifyRequest): Promise<void> {
  const { name } = request.params as { name: string }
  const channel = channelsOf(app).channels.get(name)
  if (!channel || channel.kind !== 'websocket') throw new ServalError('not-found', { detail: `No channel "${name}"` })
  admitted.set(request, await admit(app, channel.gate, upgradeCredentials(app, request)))
}

/** `/ws` needs no token (public actions), but a token that is sent must be valid. */
async function identify(app: App, request: FastifyRequest): Promise<void> {
  const credentials = upgradeCredentials(app, request)
  if (hasCredential(credentials)) admitted.set(request, (await app.security.identify?.(credentials)) ?? null)
}

function prepare(app: App, socket: WebSocket): (text: string) => boolean {
  watchPongs(socket)
  socket.on('error', (error) => app.logger.debug({ err: error }, 'websocket error'))
  return guardedSender(socket, app.settings.ws_max_buffer)
}

function openChannel(app: App, socket: WebSocket, request: FastifyRequest): void {
  const send = prepare(app, socket)
  const { name } = request.params as { name: string }
  const { hub } = channelsOf(app)
  const connectionId = hub.connectionId()
  const leave = hub.subscribe(name, { connectionId, principal: admitted.get(request) ?? null, send: (d) => void send((d.text ??= frames.event(d.channel, d.event))) })
  socket.on('close', leave)
  send(frames.hello(name, connectionId))
}

function openSession(app: App, socket: WebSocket, request: FastifyRequest): void {
  const send = prepare(app, socket)
  const runtime = channelsOf(app)
  const sub = admitted.get(request)?.sub
  const caller = sub === undefined ? `ip:${request.ip}` : `sub:${sub}`
  const traceparent = request.headers.traceparent as string | undefined
  const session = new WsSession({ app, runtime, credentials: upgradeCredentials(app, request), connectionId: runtime.hub.connectionId(), caller, send, traceparent })
  socket.on('message', (data, binary) => session.receive(toBuffer(data), binary))
  socket.on('close', () => session.close())
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
}

/** Says goodbye (1001) to every socket; a peer that does not answer the close is cut a moment later. */
function closeAll(scope: FastifyInstance, done: () => void): void {
  const clients = [...scope.websocketServer.clients]
  for (const client of clients) client.close(CLOSE.goingAway, 'server shutting down')
  setTimeout(() => clients.forEach((c) => c.terminate()), 1000).unref()
  scope.websocketServer.close()
  done()
}
