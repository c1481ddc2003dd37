import type { FastifyInstance } from 'fastify'
import type { App } from '../app/app.ts'
import { loadApp } from '../app/load.ts'
import type { Settings } from '../config/definitions.ts'
import { openMounts, mountsAdminExtension, mountDirs } from '../mounts/index.ts'
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
  const url = await host.listen()
  await Promise.all(host.generations().map((gen) => gen.serve()))
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

/**
 * Drains: readiness turns 503 and new requests get a 503 problem, in-flight
 * ones finish; after the grace period the remaining connections are cut.
 */
export async function gracefulClose(host: Host): Promise<void> {
  const apps = host.apps()
  const grace = Math.max(...apps.map((app) => app.settings.shutdown_grace_s)) * 1000
  const server = host.server
  // Marks draining first, so keep-alive requests see 503; then stops the extensions.
  const draining = apps.map((app) => app.close())
  const timer = setTimeout(() => server.closeAllConnections?.(), grace)
  // A keep-alive connection whose request finishes during the drain turns idle
  // after close() looked; sweep idle ones until the server has closed.
  const sweep = setInterval(() => server.closeIdleConnections?.(), 50)
  timer.unref()
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
  try {
    // Each generation's onClose hooks: WebSockets closed (1001), GraphQL stopped; the socket is the host's.
    await Promise.all(host.generations().map((gen) => gen.fastify.close()))
    await stopped
  } finally {
    clearTimeout(timer)
    clearInterval(sweep)
    await Promise.all(draining)
  }
}
