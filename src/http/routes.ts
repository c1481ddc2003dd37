import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import type { Route, RouteRequest, RouteResponse } from '../app/route.ts'
import type { AllowTable } from './allow.ts'
import { clientSignal } from './client-signal.ts'
import { sendProblem } from './problem-reply.ts'
import { requestCredentials } from './security/credentials.ts'

const JSON_TYPE = 'application/json; charset=utf-8'
const FORM = 'application/x-www-form-urlencoded'

/**
 * Mounts transport-free routes (the extensions') on the Fastify server:
 * each becomes a Fastify route whose request is translated to a
 * `RouteRequest`, whose answer is written as is, and whose thrown errors
 * become problem documents. Their paths join the 405 table. Form routes
 * get their own scope with the only form parser, so every other route
 * still answers 415 to form bodies.
 *
 * @example
 * ```ts
 * await mountRoutes(server, app, app.extensions.flatMap((e) => e.routes?.(app) ?? []), allow)
 * ```
 */
export async function mountRoutes(server: FastifyInstance, app: App, routes: readonly Route[], allow: AllowTable): Promise<void> {
  for (const route of routes) {
    allow.add(route.path, [route.method])
    if (route.body === undefined || route.body === 'json') mount(server, app, route)
  }
  await mountForms(server, app, routes.filter((r) => r.body === 'form'), true)
  await mountForms(server, app, routes.filter((r) => r.body === 'json-or-form'), false)
}

/** Form routes in a scope of their own with the form parser: alone (`only`), or beside the JSON one. */
async function mountForms(server: FastifyInstance, app: App, routes: readonly Route[], only: boolean): Promise<void> {
  if (routes.length === 0) return
  await server.register(async (scope) => {
    if (only) scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_req, body: string, done) => done(null, formFields(body)))
    for (const route of routes) mount(scope, app, route)
  })
}

function mount(server: FastifyInstance, app: App, route: Route): void {
  server.route({
    method: route.method,
    url: route.path,
    handler: async (request, reply) => {
      try {
        return send(reply, await route.handle(routeRequest(app, request, reply)))
      } catch (error) {
        return sendProblem(app, request, reply, error)
      }
    },
  })
}

function routeRequest(app: App, request: FastifyRequest, reply: FastifyReply): RouteRequest {
  let signal: AbortSignal | undefined
  let headers: Record<string, string | undefined> | undefined
  const q = request.url.indexOf('?')
  return {
    method: request.method,
    path: q < 0 ? request.url : request.url.slice(0, q),
    params: request.params as Record<string, string>,
    query: request.query as Record<string, string | string[]>,
    body: request.body,
    credentials: requestCredentials(app, request),
    requestId: String(request.id),
    ip: request.ip,
    origin: 'http',
    // Made only when the route asks: most never do (POST /jobs is a hot path).
    get headers() {
      return (headers ??= headersOf(request.headers))
    },
    get signal() {
      return (signal ??= clientSignal(app, reply))
    },
  }
}

function headersOf(raw: FastifyRequest['headers']): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(raw)) headers[name] = Array.isArray(value) ? value.join(', ') : value
  return headers
}

function send(reply: FastifyReply, response: RouteResponse): FastifyReply {
  if (response.headers) for (const [name, value] of Object.entries(response.headers)) reply.header(name, value)
  reply.code(response.status)
  const body = response.body
  if (body === undefined) return reply.send()
  if (body instanceof Uint8Array) return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  // Fastify sends web streams itself, and cancels them for HEAD (keeping the route's content-length).
  if (body instanceof ReadableStream) return reply.send(body)
  if (!reply.hasHeader('content-type')) reply.header('content-type', JSON_TYPE)
  return reply.send(JSON.stringify(body))
}

/** A form body as an object (no prototype): one string per field, an array when a field repeats. */
function formFields(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = fields[name]
    fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  return fields
}
