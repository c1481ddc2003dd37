import type { App } from '../app/types.ts'

// Transport-free on purpose: `/metrics` reads the count without importing the WebSocket adapter.
const openSockets = new WeakMap<App, ReadonlySet<unknown>>()

/**
 * Records the set of an app's open WebSockets (the adapter's own set, so
 * the count costs nothing per socket).
 *
 * @example
 * ```ts
 * trackSockets(app, scope.websocketServer.clients)
 * ```
 */
export function trackSockets(app: App, sockets: ReadonlySet<unknown>): void {
  openSockets.set(app, sockets)
}

/**
 * The WebSockets an app has open now (0 before its server is built).
 *
 * @example
 * ```ts
 * wsConnections(app) // 3
 * ```
 */
export function wsConnections(app: App): number {
  return openSockets.get(app)?.size ?? 0
}
