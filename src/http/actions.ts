import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import type { Invocation } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'
import { sendStream } from '../streams/index.ts'
import { sendProblem } from './problem-reply.ts'
import { requestCredentials } from './security/credentials.ts'
import { sendOutput } from './send-output.ts'

/**
 * Registers `/actions/{kebab-name}` for every action's methods. Returns,
 * for each action path, its `Allow` list: the not-found handler answers a
 * known path with another method 405 from it, so wrong methods cost no routes.
 */
export function registerActionRoutes(server: FastifyInstance, app: App): Map<string, string> {
  const allowed = new Map<string, string>()
  for (const action of app.registry.list()) {
    if (action.methods.length === 0) continue
    const url = `/actions/${action.path}`
    const handler = makeHandler(app, action)
    for (const method of action.methods) server.route({ method, url, handler })
    allowed.set(url, [...action.methods, ...(action.methods.includes('GET') ? ['HEAD'] : [])].join(', '))
  }
  return allowed
}

/** The 405 for a known action path asked with a method it does not answer, else undefined. */
export function methodNotAllowed(allowed: Map<string, string>, method: string, url: string): ServalError | undefined {
  const path = (url.split('?')[0] ?? '').replace(/\/+$/, '')
  const allow = allowed.get(path)
  if (allow === undefined) return undefined
  return new ServalError('method-not-allowed', { detail: `${method} is not allowed here; use ${allow}`, headers: { allow } })
}

function makeHandler(app: App, action: CompiledAction) {
  // Chosen once per route, so the request path never asks how to read input.
  const readInput = (request: FastifyRequest): unknown =>
    request.method === 'GET' || request.method === 'HEAD' || request.method === 'DELETE'
      ? action.coerceQuery(request.query as Record<string, unknown>)
      : request.body
  return async function actionHandler(request: FastifyRequest, reply: FastifyReply) {
    try {
      const output = await app.invoke(action, readInput(request), invocation(app, request, reply))
      if (action.streaming || isIterable(output)) return await streamOutput(app, request, reply, action, output as AsyncIterable<unknown>)
      reply.header('x-functions-version', app.functionsVersion)
      return sendOutput(reply, action, output)
    } catch (error) {
      return sendProblem(app, request, reply, error)
    }
  }
}

function invocation(app: App, request: FastifyRequest, reply: FastifyReply): Invocation {
  return {
    requestId: String(request.id),
    trigger: 'http',
    credentials: requestCredentials(app, request),
    signal: () => clientSignal(app, reply),
  }
}

/** Aborts when the client goes away before the response is complete, or on shutdown. */
function clientSignal(app: App, reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new ServalError('unavailable', { detail: 'The client closed the connection' }))
  })
  return AbortSignal.any([controller.signal, app.shutdownSignal])
}

function isIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && !(value instanceof ReadableStream)
}

/** A streaming result: SSE, or NDJSON when the client asks (see src/streams). */
function streamOutput(app: App, request: FastifyRequest, reply: FastifyReply, action: CompiledAction, items: AsyncIterable<unknown>) {
  return sendStream(app, request, reply, action, items)
}
