import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The runtime every generated client carries, so it needs no package: the
 * SSE parser and the query encoder are the very source of `serval/client`
 * (src/client/sse.ts, query.ts, inlined with `export` removed), the rest
 * is written here once.
 *
 * @example
 * ```ts
 * const text = standaloneRuntime() // 'async function* parseSse(…'
 * ```
 */
export function standaloneRuntime(): string {
  return [RUNTIME, inline('sse.ts'), inline('query.ts')].join('\n')
}

function inline(file: string): string {
  // src/client/codegen/runtime.ts and dist/client/codegen/runtime.js sit at the same depth; the package ships src.
  const root = dirname(dirname(dirname(dirname(fileURLToPath(import.meta.url)))))
  return readFileSync(join(root, 'src', 'client', file), 'utf8').replace(/^export /gm, '')
}

const RUNTIME = `/** A problem document (RFC 9457), as the server sends it. */
export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
  readonly instance?: string
  readonly requestId?: string
  readonly errors?: readonly { readonly path: string; readonly message: string }[]
  readonly [key: string]: unknown
}

/** A call that failed: carries the server's problem document. */
export class ServalClientError extends Error {
  readonly problem: Problem
  constructor(problem: Problem) {
    super(problem.detail ? \`\${problem.title}: \${problem.detail}\` : problem.title)
    this.name = 'ServalClientError'
    this.problem = problem
  }
  get status(): number {
    return this.problem.status
  }
  get type(): string {
    return this.problem.type
  }
  get errors(): Problem['errors'] {
    return this.problem.errors
  }
}

/** How the client reaches the server. */
export interface ClientOptions {
  /** A bearer token, or a function that returns one per request. */
  readonly token?: string | (() => string | Promise<string>)
  readonly headers?: Readonly<Record<string, string>>
  readonly fetch?: typeof fetch
}

/** Per call: an AbortSignal and extra headers. */
export interface CallOptions {
  readonly signal?: AbortSignal
  readonly headers?: Readonly<Record<string, string>>
}

/** A job's state as \`GET /jobs/{id}\` returns it. */
export interface JobView {
  readonly id: string
  readonly action: string
  readonly status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
  readonly progress?: number
  readonly error?: Problem
  readonly [key: string]: unknown
}

/** A submitted job. */
export interface JobHandle<Out> {
  readonly id: string
  status(options?: CallOptions): Promise<JobView>
  /** Waits for the output (polls every \`intervalMs\`, default 1000); rejects with the job's problem. */
  result(options?: CallOptions & { readonly intervalMs?: number }): Promise<Out>
  cancel(options?: CallOptions): Promise<JobView>
}

type Send = CallOptions & { readonly method: string; readonly path: string; readonly body?: unknown }

class Transport {
  readonly #base: string
  readonly #options: ClientOptions
  constructor(baseUrl: string, options: ClientOptions) {
    this.#base = baseUrl.replace(/\\/+$/, '')
    this.#options = options
  }
  async send(request: Send): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream', ...this.#options.headers, ...request.headers }
    const token = typeof this.#options.token === 'function' ? await this.#options.token() : this.#options.token
    if (token) headers.authorization = \`Bearer \${token}\`
    const init: RequestInit = { method: request.method, headers }
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json'
      init.body = JSON.stringify(request.body)
    }
    if (request.signal) init.signal = request.signal
    const res = await (this.#options.fetch ?? fetch)(\`\${this.#base}\${request.path}\`, init)
    if (!res.ok) throw await responseError(res)
    return res
  }
  call(method: string, path: string, input: unknown, options: CallOptions): Promise<Response> {
    if (method === 'GET' || method === 'DELETE') {
      const query = encodeQuery(input)
      return this.send({ ...options, method, path: query ? \`\${path}?\${query}\` : path })
    }
    return this.send({ ...options, method, path, body: input })
  }
}

async function responseError(res: Response): Promise<ServalClientError> {
  const text = await res.text().catch(() => '')
  return new ServalClientError(parseProblem(text) ?? { type: 'about:blank', title: res.statusText || \`HTTP \${res.status}\`, status: res.status })
}

function parseProblem(text: string): Problem | undefined {
  try {
    const p = JSON.parse(text) as Partial<Problem> | null
    return p && typeof p === 'object' && typeof p.status === 'number' && typeof p.title === 'string' ? (p as Problem) : undefined
  } catch {
    return undefined
  }
}

async function decodeValue(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined
  if (/[/+]json\\b/.test(res.headers.get('content-type') ?? '')) {
    const text = await res.text()
    return text === '' ? undefined : JSON.parse(text)
  }
  return res.blob()
}

async function* streamItems(response: Promise<Response>): AsyncGenerator<unknown> {
  const res = await response
  if (!res.body) return
  for await (const event of parseSse(res.body)) {
    if (event.event === 'message') yield JSON.parse(event.data)
    else if (event.event === 'end') return
    else if (event.event === 'error') throw new ServalClientError(parseProblem(event.data) ?? { type: 'about:blank', title: 'Stream failed', status: 500, detail: event.data })
  }
  throw new Error('The stream ended before its end event (the connection was cut)')
}

function jobHandle(transport: Transport, id: string): JobHandle<unknown> {
  const self = \`/jobs/\${encodeURIComponent(id)}\`
  const view = async (method: string, options: CallOptions = {}) => (await (await transport.send({ ...options, method, path: self })).json()) as JobView
  return {
    id,
    status: (options) => view('GET', options),
    cancel: (options) => view('DELETE', options),
    async result(options = {}) {
      for (;;) {
        try {
          return await decodeValue(await transport.send({ ...options, method: 'GET', path: \`\${self}/result\` }))
        } catch (error) {
          if (!(error instanceof ServalClientError) || error.type !== 'urn:serval:problem:job-not-finished') throw error
          await pause(options.intervalMs ?? 1000, options.signal)
        }
      }
    },
  }
}

/** Waits between polls; an abort ends the wait with the signal's reason. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted)
      resolve()
    }, ms)
    const aborted = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', aborted, { once: true })
  })
}

async function submitJob(transport: Transport, path: string, input: unknown, options: CallOptions): Promise<JobHandle<unknown>> {
  const res = await transport.send({ ...options, method: 'POST', path, body: input })
  return jobHandle(transport, ((await res.json()) as JobView).id)
}
`
