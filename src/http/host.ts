import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { TrackedResponse } from './tracked-response.ts'
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https'
import type { Duplex } from 'node:stream'
import type { App } from '../app/app.ts'
import type { Settings } from '../config/definitions.ts'
import { ConcurrencySlots } from '../ops/slots.ts'
import { opsOf } from '../ops/state.ts'
import { Generation } from './generation.ts'
import { trackSockets } from './drain.ts'
import { checkingInterval, type HttpOptions } from './server.ts'
import { clientErrorHandler } from './security/index.ts'

/** What the host serves under one prefix: the generation answering now. */
interface Mounted {
  readonly name: string
  readonly prefix: string
  gen: Generation
}

/** What `createHost` needs beyond the root app. */
export interface HostOptions extends HttpOptions {
  /** The root app can be swapped (dev reload): count its in-flight requests so the old one drains. */
  reloadable?: boolean
}

/**
 * One listening node server in front of app generations: the root app,
 * and the mounts, each behind its prefix. Swapping a generation is one
 * pointer write; requests already in flight finish on the one they began on.
 * With no mount possible (no `mounts`, no `admin_api`) and no reload, the
 * server's request listener is the root Fastify routing itself: the host
 * costs nothing on that path.
 *
 * @example
 * ```ts
 * const host = await createHost(app, {})
 * const url = await host.listen()
 * await host.swapRoot(await host.build(newApp, { tracked: true }))
 * ```
 */
export class Host {
  readonly server: Server
  /** `max_concurrency` of the whole host: the root, every mount, and generations still draining count together. */
  readonly slots: ConcurrencySlots
  readonly #options: HostOptions
  #root: Generation
  #mounts: Mounted[] = []
  readonly #dynamic: boolean

  constructor(server: Server, root: Generation, options: HostOptions, dynamic: boolean, slots: ConcurrencySlots) {
    this.server = server
    this.slots = slots
    this.#root = root
    this.#options = options
    this.#dynamic = dynamic
  }

  /** The root generation answering now. */
  get root(): Generation {
    return this.#root
  }

  /** The mounts, in the order they were added. */
  get mounts(): readonly { readonly name: string; readonly prefix: string; readonly app: App }[] {
    return this.#mounts.map((m) => ({ name: m.name, prefix: m.prefix, app: m.gen.app }))
  }

  /** Builds a generation of `app` behind this host's socket (not yet serving requests). */
  build(app: App, tracked: boolean): Promise<Generation> {
    return Generation.build(app, () => this.server, { ...this.#options, tracked, slots: this.slots })
  }

  /** The request listener: the mount whose prefix the path starts with, else the root. */
  dispatch = (req: IncomingMessage, res: ServerResponse): void => {
    const mount = this.#mounts.length ? this.#route(req) : undefined
    ;(mount ?? this.#root).handle(req, res)
  }

  #upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    ;(this.#route(req) ?? this.#root).upgrade(req, socket, head)
  }

  /** Finds the mount of a request and strips its prefix from `req.url` (the mount's app sees its own paths). */
  #route(req: IncomingMessage): Generation | undefined {
    const url = req.url ?? '/'
    for (const m of this.#mounts) {
      if (!url.startsWith(m.prefix)) continue
      const next = url.charCodeAt(m.prefix.length)
      if (!(Number.isNaN(next) || next === 47 /* / */ || next === 63) /* ? */) continue
      const rest = url.slice(m.prefix.length)
      req.url = rest === '' || rest[0] === '?' ? `/${rest}` : rest
      return m.gen
    }
    return undefined
  }

  /** Listens on the root app's host and port; resolves with the URL. */
  async listen(): Promise<string> {
    const s = this.#root.app.settings
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen({ host: s.host, port: s.port }, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    const address = this.server.address()
    const port = typeof address === 'object' && address ? address.port : s.port
    const host = s.host.includes(':') ? `[${s.host}]` : s.host
    const url = `${this.#options.https ? 'https' : 'http'}://${host}:${port}`
    // The line Fastify would log had it opened the socket itself: operators grep for it.
    this.#root.app.logger.info(`Server listening at ${url}`)
    return url
  }

  /**
   * Puts `next` in front of the root; the previous root drains (its
   * in-flight requests finish, up to `shutdown_grace_s`), stops its
   * extensions, and then `next` starts serving (workers, schedules): the two
   * never run jobs at once.
   */
  async swapRoot(next: Generation): Promise<void> {
    this.#requireDynamic()
    const old = this.#root
    this.#root = next
    await this.#retireInto(old, next)
    await next.serve()
  }

  /** Retires `old` while `next`'s in-flight listing (`/_sys/requests`, the drain) still shows its requests. */
  async #retireInto(old: Generation, next: Generation): Promise<void> {
    const [from, to] = [opsOf(old.app).inFlight, opsOf(next.app).inFlight]
    to.follow(from)
    try {
      await old.retire(graceMs(old.app.settings))
    } finally {
      to.forget(from)
    }
  }

  /** Adds a mount (serving at once unless `serve` is false: before `listen`, which starts them all); its prefix must not overlap another's (the caller checks, with a better error). */
  async addMount(name: string, prefix: string, gen: Generation, serve = true): Promise<void> {
    this.#requireDynamic()
    if (serve) await gen.serve()
    // Longest prefix first: `/v2/billing` before `/v2`, whatever the order of deploys.
    this.#mounts = [...this.#mounts, { name, prefix, gen }].sort((a, b) => b.prefix.length - a.prefix.length)
  }

  /** Swaps the generation of a mount (dev reload of its dirs); the old one drains. */
  async swapMount(name: string, next: Generation): Promise<void> {
    const mount = this.#mounts.find((m) => m.name === name)
    if (!mount) throw new Error(`no mount named ${name}`)
    const old = mount.gen
    mount.gen = next
    await this.#retireInto(old, next)
    await next.serve()
  }

  /** Removes a mount: new requests under its prefix reach the root (a 404); in-flight ones finish. */
  async removeMount(name: string): Promise<boolean> {
    const mount = this.#mounts.find((m) => m.name === name)
    if (!mount) return false
    this.#mounts = this.#mounts.filter((m) => m !== mount)
    await mount.gen.retire(graceMs(mount.gen.app.settings))
    return true
  }

  #requireDynamic(): void {
    if (!this.#dynamic) throw new Error('this host was built without mounts or reload: its request listener is the root app itself')
  }

  /** Every generation's app, the root first. */
  apps(): App[] {
    return [this.#root.app, ...this.#mounts.map((m) => m.gen.app)]
  }

  /** Every generation now serving. */
  generations(): Generation[] {
    return [this.#root, ...this.#mounts.map((m) => m.gen)]
  }

  /** Adopts the request and upgrade listeners (once, at creation). */
  attach(): void {
    this.server.on('request', this.#dynamic ? this.dispatch : this.#root.handle)
    this.server.on('upgrade', this.#upgrade)
    this.server.on('clientError', clientErrorHandler)
  }
}

/**
 * Builds the host of a root app: one node http(s) server with the root
 * app's limits, and the root generation. `dynamic` decides whether the
 * request listener dispatches (mounts, reload) or is the root's routing.
 *
 * @example
 * ```ts
 * const host = await createHost(app, { reloadable: true })
 * ```
 */
export async function createHost(app: App, options: HostOptions = {}): Promise<Host> {
  const s = app.settings
  const dynamic = options.reloadable === true || s.mounts.length > 0 || s.admin_api
  const server = nodeServer(s, options.https)
  trackSockets(server) // per connection: the drain closes each socket when it is done
  const slots = new ConcurrencySlots(s.max_concurrency)
  const root = await Generation.build(app, () => server, { ...options, tracked: options.reloadable === true, slots })
  const host = new Host(server, root, options, dynamic, slots)
  host.attach()
  return host
}

/** The node server, with the limits Fastify would have set on its own: Serval's settings decide them. */
function nodeServer(s: Settings, https: HttpsOptions | undefined): Server {
  const options = {
    maxHeaderSize: s.max_header_size,
    connectionsCheckingInterval: checkingInterval(s.request_timeout_s),
    requestTimeout: s.request_timeout_s * 1000,
    keepAliveTimeout: 72_000, // Fastify's default: longer than common proxies' idle timeouts
    ServerResponse: TrackedResponse, // ends each in-flight entry as its response closes
  }
  const server = https ? createHttpsServer({ ...options, ...https }) : createServer(options)
  server.setTimeout(0)
  if (s.max_connections > 0) server.maxConnections = s.max_connections
  return server as Server
}

function graceMs(settings: Settings): number {
  return settings.shutdown_grace_s * 1000
}
