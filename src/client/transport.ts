import { responseError } from './error.ts'
import { encodeQuery } from './query.ts'
import type { CallOptions, ClientOptions } from './wire.ts'

/** One request as the client sends it. */
export interface Send extends CallOptions {
  readonly method: string
  /** The path under the base URL, with its query string. */
  readonly path: string
  /** A JSON body; undefined sends none. */
  readonly body?: unknown
}

/**
 * Sends requests to one server: base URL, token, default headers and the
 * `fetch` to use, in one place.
 *
 * @example
 * ```ts
 * const t = new Transport('http://localhost:8000', {})
 * const res = await t.send({ method: 'GET', path: '/jobs/abc' })
 * ```
 */
export class Transport {
  readonly #base: string
  readonly #options: ClientOptions

  constructor(baseUrl: string | URL, options: ClientOptions) {
    this.#base = String(baseUrl).replace(/\/+$/, '')
    this.#options = options
  }

  /** The response, whatever its status. */
  async send(request: Send): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...this.#options.headers, ...request.headers }
    const token = typeof this.#options.token === 'function' ? await this.#options.token() : this.#options.token
    if (token) headers.authorization = `Bearer ${token}`
    if (request.body !== undefined) headers['content-type'] = 'application/json'
    const init: RequestInit = { method: request.method, headers }
    if (request.body !== undefined) init.body = JSON.stringify(request.body)
    if (request.signal) init.signal = request.signal
    return (this.#options.fetch ?? fetch)(`${this.#base}${request.path}`, init)
  }

  /** The response when it is a 2xx; otherwise rejects with its problem. */
  async ok(request: Send): Promise<Response> {
    const res = await this.send(request)
    if (!res.ok) throw await responseError(res)
    return res
  }
}

const QUERY_METHODS = new Set(['GET', 'HEAD', 'DELETE'])

/**
 * The request of a call with `input`: in the query string for `GET`,
 * `HEAD` and `DELETE` (which carry no body the server reads), as a JSON
 * body otherwise.
 *
 * @example
 * ```ts
 * inputRequest('GET', '/actions/search', { q: 'cat' }, {}) // { method: 'GET', path: '/actions/search?q=cat' }
 * ```
 */
export function inputRequest(method: string, path: string, input: unknown, options: CallOptions): Send {
  if (!QUERY_METHODS.has(method)) return { ...options, method, path, body: input }
  const query = encodeQuery(input)
  return { ...options, method, path: query ? `${path}?${query}` : path }
}

/**
 * A 2xx response's value: JSON parsed, `undefined` for `204`, a `Blob` for
 * any other content type (a file output).
 *
 * @example
 * ```ts
 * const value = await decodeValue(await transport.ok({ method: 'GET', path: '/jobs/abc/result' }))
 * ```
 */
export async function decodeValue(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined
  const type = res.headers.get('content-type') ?? ''
  if (/[/+]json\b/.test(type)) {
    const text = await res.text()
    return text === '' ? undefined : JSON.parse(text)
  }
  return res.blob()
}
