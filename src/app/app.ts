import { pino, type Logger } from 'pino'
import { fieldsOf } from '../action/resolver.ts'
import type { Resources } from '../action/types.ts'
import { settingDefs, type Settings } from '../config/definitions.ts'
import { SettingsError } from '../config/parse.ts'
import { execute, invoke } from '../core/invoke.ts'
import { buildRegistry, type ActionSource, type CompiledAction, type Registry } from '../core/registry.ts'
import { openSecurity, type Security } from '../core/security.ts'
import { ActionSwitch } from '../core/switch.ts'
import { ServalError } from '../errors/index.ts'
import type { ResultCache } from '../core/invoke.ts'
import { InvocationTracing, startTracingSdk } from '../tracing/index.ts'
import { functionsVersion } from '../version/functions-version.ts'
import type { App, Extension, SecurityContext } from './types.ts'

export type { App } from './types.ts'

/**
 * What `createApp` is built from. Only `actions` is required.
 *
 * @example
 * ```ts
 * const options: AppOptions = { actions, settings: { auth_mode: 'jwt', jwt_secret }, extensions: await defaultExtensions(settings) }
 * ```
 */
export interface AppOptions {
  actions: readonly ActionSource[]
  settings?: Partial<Settings>
  logger?: Logger
  /** The auth step; default: the extensions' (the auth capability), else none when `auth_mode=none`. */
  security?: Security
  /** Values handlers read as `ctx.resources[name]`, already open (the caller closes them); `resource()` definitions go through `resourcesExtension`. */
  resources?: Resources
  extensions?: readonly Extension[]
  cwd?: string
}

function defaults(): Settings {
  const out: Record<string, unknown> = {}
  for (const [name, def] of Object.entries(settingDefs)) if ('default' in def) out[name] = def.default
  return out as Settings
}

/**
 * Builds the app core: compiles every action once, starts extensions.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions: [{ action: add, exportName: 'add' }] })
 * await app.call('add', { a: 1, b: 2 })
 * ```
 */
export async function createApp(options: AppOptions): Promise<App> {
  const settings = { ...defaults(), ...options.settings } as Settings
  const logger = options.logger ?? pino({ level: settings.log_level })
  const registry = await buildRegistry(options.actions)
  const extensions = options.extensions ?? []
  const security = options.security ?? (await securityOf(extensions, { settings, logger }))
  const cwd = options.cwd ?? process.cwd()
  const files = registry.list().flatMap((a) => (a.file ? [a.file] : []))
  const shutdown = new AbortController()
  let draining = false
  let closed: Promise<void> | undefined
  const version = functionsVersion({ mode: settings.version_mode, files, cwd, manual: settings.functions_version, commit: settings.git_commit })
  const resultCache = await resultCacheOf(registry, { settings, logger, version, authOn: !security.open, cwd, observe: cacheObserver(extensions) })
  // The SDK loads only when OTEL_* ask for an exporter; the span step itself is the API's (a no-op without an SDK).
  const sdk = settings.tracing ? await startTracingSdk(process.env, logger) : undefined
  const app: App = {
    registry,
    settings,
    logger,
    cwd,
    security,
    // A copy: the resources capability adds a getter per declared resource, never onto the caller's object.
    resources: { ...options.resources } as Resources,
    validateOutput: settings.validate_output,
    extensions,
    functionsVersion: version,
    ...(resultCache ? { resultCache } : {}),
    ...(settings.tracing ? { tracing: new InvocationTracing() } : {}),
    startedAt: Date.now(),
    shutdownSignal: shutdown.signal,
    actionSwitch: new ActionSwitch(),
    get draining() {
      return draining
    },
    invoke: (action, input, inv) => invoke(app, action, input, inv),
    execute: (action, input, inv) => execute(app, action, input, inv),
    call: (name, input) => callByName(app, name, input),
    close: () =>
      (closed ??= (async () => {
        draining = true
        shutdown.abort(new ServalError('unavailable', { detail: 'The server is shutting down', publicDetail: true }))
        for (const ext of [...app.extensions].reverse()) await ext.stop?.(app)
        await resultCache?.close()
        await sdk?.flush().catch((err: unknown) => logger.warn({ err }, 'tracing: the last spans could not be exported'))
      })()),
  }
  for (const ext of app.extensions) await ext.start?.(app)
  return app
}

/**
 * The security an extension provides (the auth capability), else none
 * when the settings ask for none. Auth follows the settings: with
 * `auth_mode=jwt` and nothing to verify tokens, the app refuses to start
 * rather than run open.
 */
async function securityOf(extensions: readonly Extension[], context: SecurityContext): Promise<Security> {
  for (const ext of extensions) if (ext.security) return ext.security(context)
  const s = context.settings
  if (s.auth_mode !== 'none') throw new SettingsError('SERVAL_AUTH_MODE', `is ${s.auth_mode}, but no extension verifies tokens: add the auth extension (defaultExtensions) or pass a security`)
  if (s.tls_client_ca) throw new SettingsError('SERVAL_TLS_CLIENT_CA', 'is set, but no extension reads client certificates: add the auth extension (defaultExtensions) or pass a security')
  return openSecurity
}

/** The result cache, loaded only when some action (or GraphQL resolver field) has `cache`: the others never see it. */
async function resultCacheOf(registry: Registry, options: Parameters<typeof import('../cache/index.ts').createResultCache>[0]): Promise<ResultCache | undefined> {
  const cached = (a: CompiledAction) => a.cache !== undefined || Object.values(fieldsOf(a.def.fields)).some((f) => f.def.cache !== undefined)
  if (!registry.list().some(cached)) return undefined
  const { createResultCache } = await import('../cache/index.ts')
  return createResultCache(options)
}

/** The extensions' cache observers as one (metrics); undefined when none listens, so the cache step pays nothing. */
function cacheObserver(extensions: readonly Extension[]): ((action: string, hit: boolean) => void) | undefined {
  const observers = extensions.flatMap((ext) => (ext.observer?.cache ? [ext.observer as { cache: (action: string, hit: boolean) => void }] : []))
  if (observers.length === 0) return undefined
  // The usual case (metrics) on every HIT: one method call, no bound function or loop.
  const only = observers.length === 1 ? observers[0]! : undefined
  if (only) return (action, hit) => only.cache(action, hit)
  return (action, hit) => {
    for (const observer of observers) observer.cache(action, hit)
  }
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

