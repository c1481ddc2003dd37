import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import type { CacheInfo, Invocation } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { Credentials } from '../core/security.ts'
import { sendStream } from '../streams/index.ts'
import type { AllowTable } from './allow.ts'
import { clientSignal } from './client-signal.ts'
import { entryOf, type RequestRecorder } from './in-flight.ts'
import type { RequestRecorders } from './request-metrics.ts'
import { InputRefusal } from '../core/refusal.ts'
import { sendProblem, sendRefusal } from './problem-reply.ts'
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
export function registerActionRoutes(server: FastifyInstance, app: App, allow: AllowTable, recorders?: RequestRecorders): void {
  for (const action of app.registry.list()) {
    if (action.methods.length === 0) continue
    const url = `/actions/${action.path}`
    const uploads = uploadRouteOptions(action)
    const record = recorders?.ofAction(action)
    for (const method of action.methods) server.route({ method, url, handler: makeHandler(app, action, method, record), ...(bodyMethod(method) ? uploads : undefined) })
    allow.add(url, action.methods)
  }
}

function bodyMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH'
}

/**
 * One route's handler. What can be decided at startup is: where the input
 * comes from (GET, and the HEAD Fastify adds for it, and DELETE read the
 * query string), and the version header's value. Not an async function:
 * when the pipeline answers synchronously (most calls), the answer is
 * sent in the same tick, with no promise made on the way.
 */
function makeHandler(app: App, action: CompiledAction, method: string, record: RequestRecorder | undefined) {
  const fromQuery = method === 'GET' || method === 'HEAD' || method === 'DELETE'
  const version = app.functionsVersion
  const noCache = method === 'DELETE'
  const storeAll = action.def.store === true && !action.streaming
  // A GET's URL is its whole input: a cached action's repeated URL is answered from memory before coercion.
  const keyByUrl = action.cache !== undefined && (method === 'GET' || method === 'HEAD')
  return function actionHandler(request: FastifyRequest, reply: FastifyReply): Promise<unknown> | undefined {
    let inv: HttpInvocation
    let store: boolean
    let output: unknown
    reply.header('x-functions-version', version) // on every answer of the route, a problem too
    if (record !== undefined) {
      const entry = entryOf(request)
      if (entry !== undefined) entry.record = record
    }
    try {
      const query = request.query as Record<string, unknown>
      store = 'store' in query ? wantsStore(query) : storeAll
      const form = fromQuery ? undefined : multipartFields(request.body)
      inv = new HttpInvocation(app, request, reply, noCache, fromQuery || form !== undefined, keyByUrl ? request.url : undefined)
      output = app.execute(action, fromQuery ? query : (form ?? request.body), inv)
    } catch (error) {
      return void sendProblem(app, request, reply, error)
    }
    // A promise resolves to the reply, as an async handler's `return reply` would.
    if (output instanceof Promise) return output.then((out: unknown) => answer(app, request, reply, action, out, inv, store)).catch((error: unknown) => sendProblem(app, request, reply, error))
    try {
      const sent = answer(app, request, reply, action, output, inv, store)
      return sent instanceof Promise ? sent.catch((error: unknown) => sendProblem(app, request, reply, error)) : undefined
    } catch (error) {
      return void sendProblem(app, request, reply, error)
    }
  }
}

/** Sends a call's output: a refused input's 422, a stream, a stored result, a cached answer or a plain one. */
function answer(app: App, request: FastifyRequest, reply: FastifyReply, action: CompiledAction, output: unknown, inv: HttpInvocation, store: boolean): unknown {
  if (output instanceof InputRefusal) return sendRefusal(app, request, reply, output)
  if (action.streaming || isIterable(output)) return sendStream(app, request, reply, action, output as AsyncIterable<unknown>) // SSE, or NDJSON when the client asks
  if (store) return sendStored(app, request, reply, action, output, inv.credentials)
  return inv.cache === undefined ? sendOutput(app, reply, action, output) : sendCached(app, request, reply, action, output, inv.cache)
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
  readonly textInput: boolean
  readonly inputKey: string | undefined
  readonly traceparent: string | undefined
  /** How the result cache answered, for a cached action. */
  cache: CacheInfo | undefined
  readonly #app: App
  readonly #reply: FastifyReply
  #signal: AbortSignal | undefined

  constructor(app: App, request: FastifyRequest, reply: FastifyReply, noCache: boolean, textInput: boolean, inputKey: string | undefined) {
    this.requestId = request.id
    this.noCache = noCache
    this.textInput = textInput
    this.inputKey = inputKey
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
