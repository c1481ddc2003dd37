import type { FastifyInstance } from 'fastify'
import type { App } from '../app/app.ts'
import { loadApp } from '../app/load.ts'
import type { Settings } from '../config/definitions.ts'
import { opsOf } from '../ops/state.ts'
import { drainSockets } from './drain.ts'
import { ServalError } from '../errors/index.ts'
import { tlsOptions } from './security/tls.ts'
import { buildHttpServer, type HttpOptions } from './server.ts'

/** A running server: its app, its Fastify instance, its URL, and how to stop it. */
export interface RunningServer {
  readonly app: App
  readonly server: FastifyInstance
  readonly url: string
  /** Stops accepting, waits for in-flight requests (up to `shutdown_grace_s`), then closes. */
  close(): Promise<void>
}

/** What `serve` needs. */
export interface ServeOptions {
  settings: Settings
  dirs?: readonly string[]
  http?: HttpOptions
  cwd?: string
}

/**
 * Discovers the actions, builds the app and the HTTP server, and listens.
 *
 * @example
 * ```ts
 * const running = await serve({ settings: { ...settings, port: 0 }, dirs: ['examples'] })
 * console.log(running.url)
 * await running.close()
 * ```
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const app = await loadApp({ settings: options.settings, ...(options.dirs ? { dirs: options.dirs } : {}), ...(options.cwd ? { cwd: options.cwd } : {}) })
  return listen(app, options.http)
}

/** Builds the HTTP server of an app and listens on its host and port (HTTPS when `tls_cert` is set). */
export async function listen(app: App, http: HttpOptions = {}): Promise<RunningServer> {
  const https = http.https ?? tlsOptions(app.settings)
  const server = await buildHttpServer(app, https ? { ...http, https } : http)
  try {
    await server.listen({ host: app.settings.host, port: app.settings.port })
  } catch (error) {
    await server.close().catch(() => undefined)
    throw listenError(error, app.settings)
  }
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : app.settings.port
  const host = app.settings.host.includes(':') ? `[${app.settings.host}]` : app.settings.host
  const url = `${https ? 'https' : 'http'}://${host}:${port}`
  return { app, server, url, close: () => gracefulClose(app, server) }
}

/** A port in use or not ours to take, said with its fix; anything else as it is. */
function listenError(error: unknown, s: Settings): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const at = `${s.host}:${s.port}`
  if (code === 'EADDRINUSE') return new ServalError('unavailable', { title: 'Port in use', detail: `port ${s.port} is in use (${at}); pass --port (or set SERVAL_PORT) or stop the other process`, cause: error })
  if (code === 'EACCES') return new ServalError('unavailable', { title: 'Port not allowed', detail: `port ${s.port} needs privileges (${at}); pass --port with a port above 1023`, cause: error })
  if (code === 'EADDRNOTAVAIL') return new ServalError('unavailable', { title: 'Address not available', detail: `host ${s.host} is no address of this machine; pass --host (or set SERVAL_HOST), e.g. 127.0.0.1 or 0.0.0.0`, cause: error })
  return error
}

/**
 * Drains without resets: readiness turns 503, the listener closes, new
 * requests on open sockets get a 503 problem with `Connection: close`,
 * in-flight ones finish and their socket closes after the response; idle
 * keep-alive sockets close once idle (src/http/drain.ts). After
 * `shutdown_grace_s` the remaining connections are cut.
 */
export async function gracefulClose(app: App, server: FastifyInstance): Promise<void> {
  const grace = app.settings.shutdown_grace_s * 1000
  const draining = app.close() // marks draining first, so keep-alive requests see 503
  const timer = setTimeout(() => server.server.closeAllConnections?.(), grace)
  timer.unref()
  try {
    await drainSockets(server, opsOf(app).inFlight, grace)
    await server.close() // WebSockets close here (their preClose), then the onClose hooks
  } finally {
    clearTimeout(timer)
    await draining
  }
}
