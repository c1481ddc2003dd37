import type { Logger } from 'pino'
import type { Settings } from '../config/definitions.ts'

/** Brand that marks a resource, shared across module copies. */
export const RESOURCE_BRAND: unique symbol = Symbol.for('serval.resource') as never
const DISABLED: unique symbol = Symbol.for('serval.resource.disabled') as never

/** What a resource's `open` gets. */
export interface ResourceOpenContext {
  readonly settings: Settings
  readonly logger: Logger
  /** Aborts when the open takes longer than `resource_open_timeout_s`, or the server stops meanwhile. */
  readonly signal: AbortSignal
}

/**
 * What `open` returns for a resource that is off by configuration (no
 * `DATABASE_URL`): the server starts, and `ctx.resources[name]` answers a
 * 503 `resource-unavailable` that says why.
 */
export interface DisabledResource {
  readonly [DISABLED]: true
  readonly reason: string
}

/** How a resource opens and closes. */
export interface ResourceDef<T> {
  /** Makes the value (a pool, a client), or says it is disabled; a throw fails startup, naming the resource. */
  open(ctx: ResourceOpenContext): T | DisabledResource | Promise<T | DisabledResource>
  /** Releases it on shutdown (resources close in the reverse order they opened). */
  close?(value: T): void | Promise<void>
}

/**
 * A resource: a named value opened once per server and shared by every
 * handler as `ctx.resources[name]`. Made by `resource()`.
 */
export interface Resource<N extends string = string, T = unknown> {
  readonly [RESOURCE_BRAND]: true
  readonly name: N
  readonly def: ResourceDef<T>
}

/** The value a resource opens to. */
export type ResourceValue<R> = R extends Resource<string, infer T> ? T : never

/**
 * The `ctx.resources` entries of some resources: extend `Resources` with it
 * once and every handler sees them typed.
 *
 * @example
 * ```ts
 * declare module 'serval' { interface Resources extends ResourcesOf<typeof pg | typeof cache> {} }
 * ```
 */
export type ResourcesOf<R extends Resource> = { readonly [K in R as K['name']]: ResourceValue<K> }

/**
 * Declares a resource. Export it from a file in a function dir: the server
 * opens it while it already listens (`/_sys/ready` is 503 until every
 * resource is open) and closes it on shutdown.
 *
 * @example
 * ```ts
 * export const pg = resource('pg', { open: () => new Pool(), close: (pool) => pool.end() })
 * declare module 'serval' { interface Resources { pg: ResourceValue<typeof pg> } }
 * export const now = action({ http: 'GET' }, async (_in, ctx) => (await ctx.resources.pg.query('select now()')).rows[0])
 * ```
 */
export function resource<N extends string, T>(name: N, def: ResourceDef<T>): Resource<N, T> {
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) throw new TypeError(`resource(${JSON.stringify(name)}): the name must be an identifier (letters, digits, _ or $)`)
  if (typeof def?.open !== 'function') throw new TypeError(`resource("${name}"): open must be a function`)
  if (def.close !== undefined && typeof def.close !== 'function') throw new TypeError(`resource("${name}"): close must be a function`)
  return Object.freeze({ [RESOURCE_BRAND]: true as const, name, def })
}

/**
 * What `open` returns when the resource is off by configuration.
 *
 * @example
 * ```ts
 * open: () => (process.env.DATABASE_URL ? new Pool({ connectionString: process.env.DATABASE_URL }) : disabledResource('DATABASE_URL is not set'))
 * ```
 */
export function disabledResource(reason: string): DisabledResource {
  return { [DISABLED]: true, reason }
}

/**
 * True for a value made by `resource()`.
 *
 * @example
 * ```ts
 * isResource(pg) // true
 * ```
 */
export function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RESOURCE_BRAND] === true
}

/** True for what `disabledResource()` returns. */
export function isDisabled(value: unknown): value is DisabledResource {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DISABLED] === true
}
