import type { Logger } from 'pino'
import type { Principal } from '../auth/principal.ts'
import type { InferIn, InferOut, SchemaLike } from '../schema/infer.ts'
import type { Redirect } from './redirect.ts'

/** An HTTP method an action can be invoked with. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * Resources shared with every handler as `ctx.resources`. Extend it by
 * declaration merging to type what your app provides.
 *
 * @example
 * ```ts
 * declare module 'serval' { interface Resources { db: Pool } }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Resources {}

/**
 * What a handler receives besides its input.
 *
 * @example
 * ```ts
 * action({}, async (_in, ctx) => { ctx.log.info('working'); ctx.progress(0.5) })
 * ```
 */
export interface ActionContext {
  /** The action's name. */
  readonly action: string
  /** The request's id (the client's `X-Request-Id` when it sent one). */
  readonly requestId: string
  /** Aborts when the client goes away, the job is cancelled, or the server shuts down. */
  readonly signal: AbortSignal
  /** The verified caller, or null without auth. */
  readonly auth: Principal | null
  /** A pino logger bound to this request. */
  readonly log: Logger
  /** App-wide resources (database pools, clients). */
  readonly resources: Resources
  /** What invoked the action. */
  readonly trigger: Trigger
  /** The OpenTelemetry trace this call belongs to (a caller's `traceparent`, or the SDK's new trace); undefined when untraced. */
  readonly traceId: string | undefined
  /** Reports progress of a job (fraction 0..1); a no-op elsewhere. */
  progress(fraction: number, message?: string): void
}

/** What invoked an action. */
export type Trigger = 'http' | 'cli' | 'job' | 'schedule' | 'test' | 'ws' | 'graphql' | 'lambda' | 'direct'

/**
 * An example call; shown in OpenAPI and run as a test by `serval test`.
 *
 * @example
 * ```ts
 * { name: 'greet_developer', input: { name: 'Developer' }, output: 'Hello Developer!' }
 * ```
 */
export interface ActionExample<In = unknown, Out = unknown> {
  readonly name: string
  readonly description?: string
  readonly input: In
  /** The expected output; omitted, the example only has to succeed. */
  readonly output?: Out
  /** Set false to show the example in docs without running it as a test. */
  readonly test?: boolean
}

/** Who may call an action: everyone, holders of every listed scope, or a predicate. */
export type Access<In = unknown> =
  | 'public'
  | 'authenticated'
  | { readonly scopes: readonly string[] }
  | ((principal: Principal, input: In) => boolean | Promise<boolean>)

/** Job options for an action run through `/jobs`. */
export interface JobOptions {
  /** Attempts in all (1 = no retry) and the backoff between them. */
  readonly retry?: { readonly attempts: number; readonly backoff?: { readonly type: 'fixed' | 'exponential'; readonly delayMs: number; readonly maxDelayMs?: number } }
  /** Milliseconds before a run is aborted and failed. */
  readonly timeoutMs?: number
  /** How many runs of this action at once, per process. */
  readonly concurrency?: number
  /** Seconds a finished job and its result are kept. */
  readonly retentionS?: number
}

/** When an action runs by itself: every interval (`'30s'`, `'5m'`) or on a cron expression. */
export type Schedule =
  | { readonly every: string; readonly input?: unknown }
  | { readonly cron: string; readonly tz?: string; readonly input?: unknown }

/**
 * An HTML page over an action (see docs/web.md): `GET {path}` renders
 * `templates/{template}` with the action's output as `model`; on an action
 * that takes POST, `POST {path}` reads an HTML form into the input.
 *
 * @example
 * ```ts
 * const page: PageOptions = { path: '/guestbook', template: 'guestbook.njk' }
 * ```
 */
export interface PageOptions {
  /** The page's URL path: literal segments and `:name` parameters (read into the input). Default `/{kebab-name}`. */
  readonly path?: string
  /** The template file under the function folder's `templates/`. Default `{name}.njk`. */
  readonly template?: string
}

/**
 * The definition object of an action: one generic object, never a list of
 * overloads.
 */
export interface ActionDef<I extends SchemaLike | undefined = SchemaLike | undefined, O extends SchemaLike | undefined = SchemaLike | undefined> {
  /** Unique name; defaults to the export name. */
  readonly name?: string
  /** What it does; shown in OpenAPI, `--help` and the docs UI. */
  readonly description?: string
  readonly summary?: string
  readonly tags?: readonly string[]
  readonly deprecated?: boolean
  readonly input?: I
  /** The output schema; for a streaming handler, the schema of each item. */
  readonly output?: O
  /** HTTP methods; `false` keeps the action off HTTP. Default `'POST'`. */
  readonly http?: HttpMethod | readonly HttpMethod[] | false
  readonly examples?: readonly ActionExample<ClientInput<I>, InferIn<O>>[]
  readonly access?: Access<HandlerInput<I>>
  readonly job?: JobOptions
  readonly schedule?: Schedule
  /** Requests per window allowed per caller; overrides the app default. */
  readonly rateLimit?: { readonly max: number; readonly windowMs: number } | false
  /** Keep results for `ttl` seconds and answer identical calls from them (see docs/caching.md). */
  readonly cache?: CacheOptions
  /** Save every answer for `GET /results/{id}` (a call can ask with `?store=true`); see docs/caching.md. */
  readonly store?: boolean
  /**
   * GraphQL fields resolved only when selected; on a list output they go on the item type.
   * `(field) => ({ … field(def, handler) })` types `ctx.parent` from `output`; `{ x: resolver(…) }` needs it annotated.
   */
  readonly fields?: import('./resolver.ts').Fields<O>
  /** Render the output as an HTML page (see docs/web.md); the action stays at `/actions/…`. */
  readonly page?: PageOptions
}

/**
 * An action's result cache: `ttl` in seconds; `scope` `private` keys entries
 * by the caller's `sub` (the default when auth is on), `public` shares them.
 *
 * @example
 * ```ts
 * const options: CacheOptions = { ttl: 30, scope: 'public' }
 * ```
 */
export interface CacheOptions {
  readonly ttl: number
  readonly scope?: 'public' | 'private'
}

/** The input a handler receives: the schema's output after validation. */
export type HandlerInput<I> = [I] extends [undefined] ? Record<string, unknown> : InferOut<I>

/** The input a client sends. */
export type ClientInput<I> = [I] extends [undefined] ? Record<string, unknown> | undefined : InferIn<I>

/**
 * The input clients send: the schema's, or, without one, the type the
 * handler's parameter declares (any object when it declares none).
 */
export type TypedInput<I, P> = [I] extends [undefined] ? (IsAnyObject<P> extends true ? ClientInput<I> : P) : ClientInput<I>

type IsAnyObject<P> = [Record<string, unknown>] extends [P] ? ([P] extends [Record<string, unknown>] ? true : false) : false

/** What a handler may return for an output schema: a value (or a `redirect()`), a promise, or a stream of items. */
export type HandlerReturn<O> = [O] extends [undefined]
  ? unknown
  : InferIn<O> | Redirect | Promise<InferIn<O> | Redirect> | AsyncIterable<InferIn<O>>

/** The handler's function type. */
export type Handler<I, R> = (input: HandlerInput<I>, ctx: ActionContext) => R

/** The types an action carries for clients and tests. */
export interface ActionTypes {
  readonly input: unknown
  readonly output: unknown
}

/** The output type clients see for output schema `O` and handler result `R`. */
export type ActionOutput<O, R> = [O] extends [undefined]
  ? R extends AsyncIterable<infer Item>
    ? AsyncIterable<Item>
    : Awaited<R>
  : R extends AsyncIterable<unknown>
    ? AsyncIterable<InferOut<O>>
    : InferOut<O> | Extract<Awaited<R>, Redirect>

/** Brand that marks an action, shared across module copies. */
export const ACTION_BRAND: unique symbol = Symbol.for('serval.action') as never

/**
 * An action: a typed function with its metadata. Made by `action()`.
 */
export interface Action<T extends ActionTypes = ActionTypes> {
  readonly [ACTION_BRAND]: true
  readonly def: ActionDef
  readonly handler: (input: any, ctx: ActionContext) => unknown
  /** Phantom: the input and output types, for clients and tests. */
  readonly '~types'?: T
}

/** Any action, whatever its types. */
export type AnyAction = Action<ActionTypes>
