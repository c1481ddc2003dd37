import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import type { Invocation } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import { sendStream } from '../streams/index.ts'
import type { AllowTable } from './allow.ts'
import { clientSignal } from './client-signal.ts'
import { sendProblem } from './problem-reply.ts'
import { requestCredentials } from './security/credentials.ts'
import { sendOutput } from './send-output.ts'

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
    const handler = makeHandler(app, action)
    for (const method of action.methods) server.route({ method, url, handler })
    allow.add(url, action.methods)
  }
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

function isIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value && !(value instanceof ReadableStream)
}

/** A streaming result: SSE, or NDJSON when the client asks (see src/streams). */
function streamOutput(app: App, request: FastifyRequest, reply: FastifyReply, action: CompiledAction, items: AsyncIterable<unknown>) {
  return sendStream(app, request, reply, action, items)
}
