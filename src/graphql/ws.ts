import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { GraphQLSchema, ValidationRule } from 'graphql'
import { handleProtocols, makeServer } from 'graphql-ws'
import { WebSocketServer, type WebSocket } from 'ws'
import type { App } from '../app/app.ts'
import { problemFor } from '../app/problem.ts'
import { channelsOf } from '../channels/runtime.ts'
import { problemHeaders, ServalError } from '../errors/index.ts'
import { CLOSE, guardedSender, startHeartbeat, watchPongs } from '../ws/connection.ts'
import { rawUpgradeCredentials } from '../ws/credentials.ts'
import { addUpgradeRoute, openSockets, refuseUpgrade } from '../ws/upgrades.ts'
import { protocolOptions, type SocketState } from './protocol.ts'
import { SocketChannels } from './streams.ts'

/** Events one subscription may have waiting for its socket; past it the socket is too slow and is closed (1013). */
const MAX_QUEUED = 10_000

/**
 * GraphQL subscriptions (and queries, mutations) over WebSocket on
 * `/graphql`, with the `graphql-transport-ws` protocol (graphql-ws's
 * server; the legacy `graphql-ws` subprotocol is refused with 4406). The
 * upgrade is judged before it happens, as on `/ws`: a token sent in the
 * `Authorization` header (or `?access_token=`) must be valid (else a 401
 * problem), and `ws_max_connections` counts every WebSocket of the server
 * (a 503). Sockets are pinged every `ws_ping_s` and closed with 1013 past
 * `ws_max_buffer`, like those of src/ws.
 *
 * @example
 * ```ts
 * registerSubscriptions(server, app, schema, rules) // from registerGraphql
 * ```
 */
export function registerSubscriptions(server: FastifyInstance, app: App, schema: GraphQLSchema, rules: readonly ValidationRule[]): void {
  const s = app.settings
  const wss = new WebSocketServer({ noServer: true, maxPayload: s.ws_max_payload, perMessageDeflate: false, handleProtocols: (protocols) => handleProtocols(protocols) })
  const protocol = makeServer(protocolOptions(app, schema, rules))
  const stopHeartbeat = startHeartbeat(wss.clients, s.ws_ping_s * 1000)
  let upgrades = 0
  addUpgradeRoute(server, {
    test: (path) => path === '/graphql' || path === '/graphql/',
    handle: (request, socket, head) => void upgrade(server, app, wss, request, socket, head, `graphql-upgrade-${++upgrades}`, (ws, state) => opened(app, protocol, ws, state)).catch((error: unknown) => app.logger.error({ err: error }, 'GraphQL upgrade failed')),
    clients: () => wss.clients.size,
  })
  server.addHook('preClose', (done) => {
    stopHeartbeat()
    for (const client of wss.clients) client.close(CLOSE.goingAway, 'server shutting down')
    setTimeout(() => wss.clients.forEach((c) => c.terminate()), 1000).unref()
    wss.close()
    done()
  })
}

async function upgrade(server: FastifyInstance, app: App, wss: WebSocketServer, request: IncomingMessage, socket: Duplex, head: Buffer, requestId: string, open: (ws: WebSocket, state: SocketState) => void): Promise<void> {
  socket.on('error', (error) => app.logger.debug({ err: error }, 'GraphQL upgrade socket error'))
  const credentials = rawUpgradeCredentials(app, request)
  try {
    if (app.draining) throw new ServalError('unavailable', { detail: 'The server is shutting down', publicDetail: true })
    if (openSockets(server) >= app.settings.ws_max_connections) throw full(app)
    if (credentials.authorization !== undefined) await app.security.identify?.(credentials)
  } catch (error) {
    return refuseUpgrade(socket, problemFor(app, error, { instance: '/graphql', requestId }), problemHeaders(error))
  }
  wss.handleUpgrade(request, socket, head, (ws) => open(ws, stateOf(app, ws, credentials, request.headers.traceparent as string | undefined)))
}

function stateOf(app: App, ws: WebSocket, credentials: SocketState['credentials'], traceparent: string | undefined): SocketState {
  const { hub } = channelsOf(app)
  const tooSlow = () => ws.close(CLOSE.tryAgainLater, 'too slow: events queued past the limit')
  return { credentials, traceparent, channels: new SocketChannels(hub, hub.connectionId(), MAX_QUEUED, tooSlow), close: (code, reason) => ws.close(code, reason) }
}

function opened(app: App, protocol: ReturnType<typeof makeServer<Record<string, unknown> | undefined, SocketState>>, ws: WebSocket, state: SocketState): void {
  watchPongs(ws)
  ws.on('error', (error) => app.logger.debug({ err: error }, 'GraphQL websocket error'))
  const send = guardedSender(ws, app.settings.ws_max_buffer)
  const closed = protocol.opened(
    {
      protocol: ws.protocol,
      send: (data) => void send(data),
      close: (code, reason) => ws.close(code, reason),
      onMessage: (cb) =>
        ws.on('message', (data) => {
          cb(String(data)).catch((error: unknown) => {
            app.logger.error({ err: error }, 'GraphQL websocket message failed')
            ws.close(4500, 'Internal server error')
          })
        }),
    },
    state,
  )
  ws.once('close', (code, reason) => {
    state.channels.close()
    void closed(code, String(reason))
  })
}

function full(app: App): ServalError {
  return new ServalError('unavailable', { detail: `The server holds ws_max_connections (${app.settings.ws_max_connections}) WebSockets; try again later`, publicDetail: true, headers: { 'retry-after': '5' } })
}
