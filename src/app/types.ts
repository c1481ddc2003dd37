import type { Logger } from 'pino'
import type { Settings } from '../config/definitions.ts'
import type { Invocation } from '../core/context.ts'
import type { PipelineDeps } from '../core/invoke.ts'
import type { CompiledAction, Registry } from '../core/registry.ts'
import type { Security } from '../core/security.ts'
import type { ActionSwitch } from '../core/switch.ts'
import type { Route, RouteRequest, RouteResponse } from './route.ts'

// App and Extension refer to each other, so they share this module: neither
// app.ts nor extension.ts has to import the other.

/**
 * The transport-agnostic core: registry, settings, pipeline and lifecycle.
 * The HTTP server, CLI and every other transport are adapters over it.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions: [{ action: add, exportName: 'add' }] })
 * await app.call('add', { a: 1, b: 2 }) // { result: 3 }
 * ```
 */
export interface App extends PipelineDeps {
  readonly registry: Registry
  readonly settings: Settings
  readonly extensions: readonly Extension[]
  readonly functionsVersion: string
  readonly startedAt: number
  readonly cwd: string
  /** Aborts on shutdown; every handler's `ctx.signal` follows it. */
  readonly shutdownSignal: AbortSignal
  /** The actions switched off at runtime (`PATCH /_sys/config`); a disabled action answers 503 on every transport. */
  readonly actionSwitch: ActionSwitch
  /** Runs an action through the full pipeline. */
  invoke(action: CompiledAction, input: unknown, inv: Invocation): Promise<unknown>
  /**
   * The same pipeline for a transport's hot path: the output itself when every
   * step was synchronous, else a promise; a synchronous step's error is thrown,
   * except a refused input, which is returned as an `InputRefusal` (src/core/refusal.ts).
   */
  execute(action: CompiledAction, input: unknown, inv: Invocation): unknown
  /** Runs an action by name, as a trusted caller (no auth), and returns its checked output. */
  call(name: string, input?: unknown): Promise<unknown>
  /** True once shutdown began: readiness answers 503. */
  readonly draining: boolean
  /** Stops extensions and aborts in-flight handlers. Idempotent. */
  close(): Promise<void>
}

/** What an extension's `security` hook gets: the app is not built yet. */
export interface SecurityContext {
  readonly settings: Settings
  readonly logger: Logger
}

/**
 * A capability plugged into the app (jobs, schedules, auth…): one object,
 * no change to the core, and nothing of any transport. Its endpoints are
 * transport-free `Route`s that every adapter mounts. Every hook is optional.
 *
 * @example
 * ```ts
 * const hello: Extension = { name: 'hello', routes: () => [{ method: 'GET', path: '/hello', handle: () => ({ status: 200, body: 'hi' }) }] }
 * ```
 */
export interface Extension {
  readonly name: string
  /** The app's auth step, when `createApp` is given no `security` (the auth capability; the first one wins). */
  security?(context: SecurityContext): Security | Promise<Security>
  /** Runs once the registry is built, before any transport mounts routes. */
  start?(app: App): void | Promise<void>
  /** The endpoints this capability adds; each adapter mounts them. */
  routes?(app: App): readonly Route[]
  /** Runs when a server starts serving the app (workers, timers); never in one-shot commands. */
  serve?(app: App): void | Promise<void>
  /** Adds to the OpenAPI document (paths, components, security). */
  openapi?(doc: Record<string, any>, app: App): void
  /** Adds to `/_sys/info`. */
  info?(app: App): Record<string, unknown>
  /** Whether this capability can serve now: `/_sys/ready` is 503 while any says no (`reason` in dev mode only). */
  health?(app: App): { ok: boolean; reason?: string } | Promise<{ ok: boolean; reason?: string }>
  /**
   * A page's action answered 401 to a browser (Accept prefers `text/html`):
   * answer instead of the error page, e.g. a redirect to a login page
   * (the sessions capability). `undefined` lets the error page render; the
   * first extension that answers wins.
   */
  onUnauthenticatedPage?(request: RouteRequest, app: App): RouteResponse | undefined | Promise<RouteResponse | undefined>
  /** Runs on shutdown, after the server stops accepting requests. */
  stop?(app: App): void | Promise<void>
  /** Told what the adapters and steps did (metrics). Its methods run on hot paths: cheap, and never throwing. */
  readonly observer?: Observer
}

/**
 * What an extension can observe without any transport knowing it: each
 * adapter or step looks once, at setup, for extensions that listen, and
 * pays nothing when none does.
 *
 * @example
 * ```ts
 * const observer: Observer = { requests: (action) => (method, status) => counter.inc({ action, method, status: String(status) }) }
 * ```
 */
export interface Observer {
  /**
   * The recorder of the requests one route answers, asked once per route at
   * startup (`action` is the action's name, '' for other routes); it is then
   * called per answered request, `seconds` from arrival to the last byte.
   */
  requests?(action: string): (method: string, status: number, seconds: number) => void
  /** How the result cache answered a cached action. */
  cache?(action: string, hit: boolean): void
}
