import type { Credentials } from '../core/security.ts'

/** The methods a route answers (HEAD comes with GET). */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * A request as every transport hands it to a route: already parsed, with
 * nothing of the transport left in it.
 *
 * @example
 * ```ts
 * const handle = (req: RouteRequest) => ({ status: 200, body: { id: req.params.ref, by: req.credentials.authorization ?? null } })
 * ```
 */
export interface RouteRequest {
  readonly method: string
  /** The path without the query string, e.g. `/jobs/42`. */
  readonly path: string
  /** The values of the path's `:name` segments. */
  readonly params: Readonly<Record<string, string>>
  /** The query string; a repeated key is an array. */
  readonly query: Readonly<Record<string, string | string[]>>
  /** The parsed body: JSON, or for a form an object of its fields; undefined when none was sent. */
  readonly body: unknown
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>
  /** What the pipeline's auth step reads (token, group, client certificate). */
  readonly credentials: Credentials
  readonly requestId: string
  /** The client's address: the peer, or what trusted proxies forwarded (`trust_proxy`). */
  readonly ip: string
  /** The adapter the request came through: `'http'` (later `'lambda'`, `'ws'`). */
  readonly origin: string
  /** Aborts when the client goes away or the server shuts down. */
  readonly signal: AbortSignal
}

/**
 * What a route answers. `body` is a JSON value (the adapter serialises
 * it) or bytes (a `Uint8Array`, or a `ReadableStream` of them for files too
 * big to hold), sent as they are under the `content-type` header given.
 * Errors are not answered but thrown (a `ServalError`, or anything): the
 * adapter turns them into a problem document with `toProblem`.
 *
 * @example
 * ```ts
 * const accepted: RouteResponse = { status: 202, headers: { location: '/jobs/42' }, body: { id: '42' } }
 * ```
 */
export interface RouteResponse {
  readonly status: number
  /** Header names in lower case; a list sends the header once per value (`set-cookie`). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>
  readonly body?: unknown
}

/**
 * One transport-free endpoint an extension contributes (the oRPC/Hono
 * shape): every adapter (HTTP today; Lambda, `/ws` later) mounts the same
 * routes, and answers other methods on their paths with 405 + `Allow`.
 *
 * @example
 * ```ts
 * const ping: Route = { method: 'GET', path: '/ping/:name', handle: (req) => ({ status: 200, body: `pong ${req.params.name}` }) }
 * ```
 */
export interface Route {
  readonly method: RouteMethod
  /** A path template: literal segments and `:name` parameters, e.g. `/jobs/:ref/result`. */
  readonly path: string
  /**
   * How the body is read: JSON (the default), an HTML form
   * (`application/x-www-form-urlencoded`) only, or either (`json-or-form`:
   * a login that browsers post as a form and scripts as JSON).
   */
  readonly body?: 'json' | 'form' | 'json-or-form'
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>
}
