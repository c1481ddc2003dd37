import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { Problem } from '../errors/index.ts'

/**
 * A WebSocket path served by another adapter (GraphQL's `/graphql`): the
 * upgrades it takes, and how many sockets it holds, so that every socket of
 * the server counts against one `ws_max_connections`.
 *
 * @example
 * ```ts
 * addUpgradeRoute(server, { test: (path) => path === '/graphql', handle: (req, socket, head) => wss.handleUpgrade(…), clients: () => wss.clients.size })
 * ```
 */
export interface UpgradeRoute {
  /** True for the paths (no query string) this route upgrades. */
  test(path: string): boolean
  handle(request: IncomingMessage, socket: Duplex, head: Buffer): void
  clients(): number
}

const tables = new WeakMap<FastifyInstance, UpgradeRoute[]>()

/**
 * Adds a WebSocket path to a server. The upgrade listener of src/ws (the
 * only one on the HTTP server) hands it the upgrades of that path, so two
 * WebSocket servers share one port without racing for the same socket.
 *
 * @example
 * ```ts
 * addUpgradeRoute(server, route) // before or after registerWebSockets
 * ```
 */
export function addUpgradeRoute(server: FastifyInstance, route: UpgradeRoute): void {
  upgradeRoutes(server).push(route)
}

/**
 * The WebSocket paths of a server, in the order they were added.
 *
 * @example
 * ```ts
 * upgradeRoutes(server).find((r) => r.test('/graphql'))
 * ```
 */
export function upgradeRoutes(server: FastifyInstance): UpgradeRoute[] {
  let routes = tables.get(server)
  if (!routes) tables.set(server, (routes = []))
  return routes
}

/**
 * The sockets open on every WebSocket path of a server.
 *
 * @example
 * ```ts
 * if (openSockets(server) >= app.settings.ws_max_connections) refuse()
 * ```
 */
export function openSockets(server: FastifyInstance): number {
  return upgradeRoutes(server).reduce((n, route) => n + route.clients(), 0)
}

/**
 * Answers an upgrade with a problem document and closes the connection:
 * the client learns why (404, 401, 503) instead of seeing a reset.
 *
 * @example
 * ```ts
 * refuseUpgrade(socket, { type: 'urn:serval:problem:not-found', title: 'Not found', status: 404 })
 * ```
 */
export function refuseUpgrade(socket: Duplex, problem: Problem, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(problem)
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
  socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`)
}
