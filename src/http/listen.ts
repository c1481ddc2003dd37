import type { FastifyInstance } from 'fastify'
import type { App } from '../app/app.ts'
import { loadApp } from '../app/load.ts'
import type { Settings } from '../config/definitions.ts'
import { ServalError } from '../errors/index.ts'
import { openMounts, mountsAdminExtension, mountDirs } from '../mounts/index.ts'
import { opsOf } from '../ops/state.ts'
import { drainSockets } from './drain.ts'
import { createHost, type Host, type HostOptions } from './host.ts'
import { tlsOptions } from './security/tls.ts'
import type { HttpOptions } from './server.ts'

/** A running server: its (current) root app and Fastify instance, its URL, its host, and how to stop it. */
export interface RunningServer {
  /** The root app answering now (after a dev reload, the new one). */
  readonly app: App
  readonly server: FastifyInstance
  readonly url: string
  /** The listening socket and the app generations behind it (root, mounts). */
  readonly host: Host
  /** Stops accepting, waits for in-flight requests (up to `shutdown_grace_s`), then closes. */
  close(): Promise<void>
}

/** What `serve` needs. */
export interface ServeOptions {
  settings: Settings
  dirs?: readonly string[]
  http?: HttpOptions
  cwd?: string
  logger?: import('pino').Logger
}

/**
 * Discovers the actions, builds the app and the HTTP server, and listens.
 * The dirs of `mounts` are served by their mounts only, even when they lie
 * inside a root function dir.
 *
 * @example
 * ```ts
 * const running = await serve({ settings: { ...settings, port: 0 }, dirs: ['examples'] })
 * console.log(running.url)
 * await running.close()
 * ```
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const app = await loadApp({
    settings: options.settings,
    ...(options.dirs ? { dirs: options.dirs } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    discover: { exclude: mountDirs(options.settings, options.cwd) },
    extensions: options.settings.admin_api ? [mountsAdminExtension()] : [],
  })
  return listen(app, options.http)
}

/**
 * Serves an app (HTTPS when `tls_cert` is set) with its mounts, on its host
 * and port. The mounts admin routes need `mountsAdminExtension()` in the
 * app (`serve` adds it when `admin_api` is on).
 */
export async function listen(app: App, http: HostOptions = {}): Promise<RunningServer> {
  const https = http.https ?? tlsOptions(app.settings)
  const host = await createHost(app, https ? { ...http, https } : http)
  await openMounts(host, app)
  const url = await host.listen().catch(async (error: unknown) => {
    await Promise.all(host.generations().map((gen) => gen.fastify.close().catch(() => undefined)))
    throw listenError(error, app.settings)
  })
  try {
    await Promise.all(host.generations().map((gen) => gen.serve()))
  } catch (error) {
    // Workers or schedules could not start (Redis unreachable…): the socket must not keep the process alive.
    await gracefulClose(host).catch(() => undefined)
    throw error
  }
  return {
    get app() {
      return host.root.app
    },
    get server() {
      return host.root.fastify
    },
    url,
    host,
    close: () => gracefulClose(host),
  }
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
export async function gracefulClose(host: Host): Promise<void> {
  const apps = host.apps()
  const grace = Math.max(...apps.map((app) => app.settings.shutdown_grace_s)) * 1000
  // Marks draining first, so requests on open sockets get 503 with Connection: close; then stops the extensions.
  const draining = apps.map((app) => app.close())
  const timer = setTimeout(() => host.server.closeAllConnections?.(), grace)
  timer.unref()
  try {
    await drainSockets(host.server, apps.map((app) => opsOf(app).inFlight), grace)
    // Each generation's onClose hooks: WebSockets closed (1001), GraphQL stopped; the socket is the host's.
    await Promise.all(host.generations().map((gen) => gen.fastify.close()))
  } finally {
    clearTimeout(timer)
    await Promise.all(draining)
  }
}
