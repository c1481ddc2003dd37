import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import type { CacheInfo, Invocation } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { Credentials } from '../core/security.ts'
import { sendStream } from '../streams/index.ts'
import type { AllowTable } from './allow.ts'
import { clientSignal } from './client-signal.ts'
import { sendProblem } from './problem-reply.ts'
import { requestCredentials } from './security/credentials.ts'
import { sendCached } from './cache-reply.ts'
import { sendOutput } from './send-output.ts'
import { sendStored, wantsStore } from './store-reply.ts'
import { multipartFields, uploadRouteOptions } from './uploads/register.ts'

/**
 * Registers `/actions/{kebab-name}` for every action's methods, and records
 * each path's methods in the 405 table.
 *
 * @example
 * ```ts
 * registerActionRoutes(server, app, allow)
 * ```
 */
export function registerActionRoutes(server: FastifyInstance, app: App, allow: AllowTable): void {
  for (const action of app.registry.list()) {
    if (action.methods.length === 0) continue
    const url = `/actions/${action.path}`
    const uploads = uploadRouteOptions(action)
    for (const method of action.methods) server.route({ method, url, handler: makeHandler(app, action, method), ...(bodyMethod(method) ? uploads : undefined) })
    allow.add(url, action.methods)
  }
}

function bodyMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH'
}

/**
 * One route's handler. What can be decided at startup is: where the input
 * comes from (GET, and the HEAD Fastify adds for it, and DELETE read the
 * query string), and the version header's value.
 */
function makeHandler(app: App, action: CompiledAction, method: string) {
  const fromQuery = method === 'GET' || method === 'HEAD' || method === 'DELETE'
  const version = app.functionsVersion
  const noCache = method === 'DELETE'
  const storeAll = action.def.store === true && !action.streaming
  return async function actionHandler(request: FastifyRequest, reply: FastifyReply) {
    try {
      const query = request.query as Record<string, unknown>
      const store = 'store' in query ? wantsStore(query) : storeAll
      const form = fromQuery ? undefined : multipartFields(request.body)
      const input = fromQuery ? action.coerceQuery(query) : form ? action.coerceQuery(form) : request.body
      const inv = new HttpInvocation(app, request, reply, noCache)
      const output = await app.invoke(action, input, inv)
      if (action.streaming || isIterable(output)) return await streamOutput(app, request, reply, action, output as AsyncIterable<unknown>)
      reply.header('x-functions-version', version)
      if (store) return await sendStored(app, request, reply, action, output, inv.credentials)
      return inv.cache === undefined ? sendOutput(app, reply, action, output) : sendCached(app, request, reply, action, output, inv.cache)
    } catch (error) {
      return sendProblem(app, request, reply, error)
    }
  }
}

/**
 * One HTTP call as the pipeline sees it. A class, not an object literal
 * with a closure: the abort signal is made only if the handler reads
 * `ctx.signal` (most never do).
 */
class HttpInvocation implements Invocation {
  readonly requestId: string
  readonly trigger = 'http' as const
  readonly credentials: Credentials
  readonly noCache: boolean
  readonly traceparent: string | undefined
  /** How the result cache answered, for a cached action. */
  cache: CacheInfo | undefined
  readonly #app: App
  readonly #reply: FastifyReply
  #signal: AbortSignal | undefined

  constructor(app: App, request: FastifyRequest, reply: FastifyReply, noCache: boolean) {
    this.requestId = request.id
    this.noCache = noCache
    this.traceparent = request.headers.traceparent as string | undefined
    this.cache = undefined
    this.credentials = requestCredentials(app, request)
    this.#app = app
    this.#reply = reply
  }

  cacheInfo(info: CacheInfo): void {
    this.cache = info
  }

  get signal(): AbortSignal {
    return (this.#signal ??= clientSignal(this.#app, this.#reply))
  }
}

function isIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && !(value instanceof ReadableStream)
}

/** A streaming result: SSE, or NDJSON when the client asks (see src/streams). */
function streamOutput(app: App, request: FastifyRequest, reply: FastifyReply, action: CompiledAction, items: AsyncIterable<unknown>) {
  return sendStream(app, request, reply, action, items)
}
