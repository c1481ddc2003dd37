import { pino, type Logger } from 'pino'
import type { Resources } from '../action/types.ts'
import { settingDefs, type Settings } from '../config/definitions.ts'
import type { Invocation } from '../core/context.ts'
import { invoke, type PipelineDeps } from '../core/invoke.ts'
import { buildRegistry, type ActionSource, type CompiledAction, Registry } from '../core/registry.ts'
import type { Security } from '../core/security.ts'
import { createSecurity } from '../auth/create.ts'
import { ServalError } from '../errors/index.ts'
import { functionsVersion } from '../version/functions-version.ts'
import type { Extension } from './extension.ts'

/** What `createApp` is built from. Only `actions` is required. */
export interface AppOptions {
  actions: readonly ActionSource[]
  settings?: Partial<Settings>
  logger?: Logger
  security?: Security
  resources?: Resources
  extensions?: readonly Extension[]
  cwd?: string
}

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
  /** Runs an action through the full pipeline. */
  invoke(action: CompiledAction, input: unknown, inv: Invocation): Promise<unknown>
  /** Runs an action by name, as a trusted caller (no auth), and returns its checked output. */
  call(name: string, input?: unknown): Promise<unknown>
  /** True once shutdown began: readiness answers 503. */
  readonly draining: boolean
  /** Stops extensions and aborts in-flight handlers. Idempotent. */
  close(): Promise<void>
}

function defaults(): Settings {
  const out: Record<string, unknown> = {}
  for (const [name, def] of Object.entries(settingDefs)) if ('default' in def) out[name] = def.default
  return out as Settings
}

/** Builds the app core: compiles every action once, starts extensions. */
export async function createApp(options: AppOptions): Promise<App> {
  const settings = { ...defaults(), ...options.settings } as Settings
  const logger = options.logger ?? pino({ level: settings.log_level })
  const registry = await buildRegistry(options.actions)
  // Auth follows the settings unless a security is given: auth_mode=jwt can never be silently off.
  const security = options.security ?? (await createSecurity({ settings, logger }))
  const cwd = options.cwd ?? process.cwd()
  const files = registry.list().flatMap((a) => (a.file ? [a.file] : []))
  const shutdown = new AbortController()
  let draining = false
  let closed: Promise<void> | undefined
  const app: App = {
    registry,
    settings,
    logger,
    cwd,
    security,
    resources: options.resources ?? ({} as Resources),
    validateOutput: settings.validate_output,
    extensions: options.extensions ?? [],
    functionsVersion: functionsVersion({ mode: settings.version_mode, files, cwd, manual: settings.functions_version }),
    startedAt: Date.now(),
    shutdownSignal: shutdown.signal,
    get draining() {
      return draining
    },
    invoke: (action, input, inv) => invoke(app, action, input, inv),
    call: (name, input) => callByName(app, name, input),
    close: () =>
      (closed ??= (async () => {
        draining = true
        shutdown.abort(new ServalError('unavailable', { detail: 'The server is shutting down' }))
        for (const ext of [...app.extensions].reverse()) await ext.stop?.(app)
      })()),
  }
  for (const ext of app.extensions) await ext.start?.(app)
  return app
}

let directCalls = 0

async function callByName(app: App, name: string, input: unknown): Promise<unknown> {
  const action = app.registry.get(name)
  if (!action) throw new ServalError('not-found', { detail: `No action named "${name}"` })
  return app.invoke(action, input, {
    requestId: `direct-${++directCalls}`,
    trigger: 'direct',
    principal: null,
    signal: app.shutdownSignal,
  })
}

