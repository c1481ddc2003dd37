import Fastify, { LogController, type FastifyInstance } from 'fastify'
import { AjvCompiler } from '@fastify/ajv-compiler'
import type { App } from '../app/app.ts'
import { ServalError } from '../errors/index.ts'
import { registerActionRoutes } from './actions.ts'
import { AllowTable } from './allow.ts'
import { registerDocsRoutes } from './docs.ts'
import { registerJsonParser } from './json-body.ts'
import { registerMultipart } from './uploads/register.ts'
import { requestIdGenerator } from './request-id.ts'
import { sendProblem } from './problem-reply.ts'
import { mountRoutes } from './routes.ts'
import { clientErrorHandler, registerHttpSecurity } from './security/index.ts'
import { registerSystemRoutes } from './system.ts'
import { refuseDraining } from './drain.ts'
import { decorateInFlight, registerConcurrencyLimit, trackRequest } from './in-flight.ts'
import { requestRecorders } from './request-metrics.ts'
import { TrackedResponse } from './tracked-response.ts'
import { opsOf } from '../ops/state.ts'
import { registerWebSockets } from '../ws/register.ts'
import { registerGraphql } from '../graphql/register.ts'

// One validator pool for every Fastify instance of the process (a dev reload, a mount): each
// would otherwise build its own Ajv and compile its meta-schemas again, ~25 ms a reload.
const validators = AjvCompiler()

/** Options of the HTTP adapter beyond the app's settings. */
export interface HttpOptions {
  /** Serve `/docs` and `/openapi.json` (default true). */
  docs?: boolean
  /** TLS options passed to `https.createServer` (see the auth capability). */
  https?: import('node:https').ServerOptions
  /** The node server to route on (the host's detached one); default: Fastify creates its own. */
  serverFactory?: (handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) => import('node:http').Server
  /** Start the extensions' serving side (workers, schedules) once built (default true; the host starts them itself). */
  serve?: boolean
}

/**
 * Builds the Fastify server for an app: action routes, docs, system
 * routes, the extensions' routes, and problem documents for every error.
 * Extensions start serving (workers, schedules) once their routes are mounted. Call
 * `listen()` on the result, or `inject()` in tests.
 *
 * @example
 * ```ts
 * const server = await buildHttpServer(app)
 * await server.listen({ port: 0 })
 * ```
 */
export async function buildHttpServer(app: App, options: HttpOptions = {}): Promise<FastifyInstance> {
  const s = app.settings
  const server = Fastify({
    // No loggerInstance: with one, Fastify adds response listeners and a
    // child logger to every request. Request logs (request.log) are the
    // app's logger, whose lines carry reqId themselves (ctx.log is a lazy child).
    childLoggerFactory: () => app.logger,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    // The client's X-Request-Id when sent, else prefix + counter: a UUID per request cost ~12%.
    genReqId: requestIdGenerator(),
    bodyLimit: s.body_limit,
    requestTimeout: s.request_timeout_s * 1000,
    return503OnClosing: false,
    trustProxy: s.trust_proxy, // request.ip from X-Forwarded-For only through trusted proxies
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // Node's parser refuses longer request lines + headers; clientErrorHandler answers 431.
    // Node checks request timeouts only every connectionsCheckingInterval (30 s by default):
    // check at a quarter of request_timeout_s, so a stalled client gets its 408 on time.
    http: { maxHeaderSize: s.max_header_size, connectionsCheckingInterval: checkingInterval(s.request_timeout_s), ServerResponse: TrackedResponse },
    clientErrorHandler,
    schemaController: { compilersFactory: { buildValidator: validators } },
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
    ...(options.https ? { https: { maxHeaderSize: s.max_header_size, connectionsCheckingInterval: checkingInterval(s.request_timeout_s), ServerResponse: TrackedResponse, ...options.https } } : {}),
  } as never) as unknown as FastifyInstance
  // Fastify's own lines (listening at, onClose failures) go to the app's logger too.
  ;(server as { log: unknown }).log = app.logger
  const state = { listening: false }
  const { inFlight } = opsOf(app)
  decorateInFlight(server)
  // Metrics are counted as each response closes, from the in-flight entry: no onResponse hook, which would make Fastify add listeners to every response.
  const recorders = requestRecorders(app)
  const recorderOf = recorders?.of
  server.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    trackRequest(app, inFlight, request, reply, recorderOf) // /_sys/requests, max_concurrency, the drain, metrics
    if (app.draining) return refuseDraining(app, request, reply)
    if (request.url.length > s.max_url_length) return void sendProblem(app, request, reply, new ServalError('uri-too-long', { detail: `The URL is over ${s.max_url_length} characters` }))
    done()
  })
  if (s.log_level === 'debug' || s.log_level === 'trace') {
    server.addHook('onResponse', (request, reply, done) => {
      request.log.debug({ reqId: request.id, method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request')
      done()
    })
  }
  registerJsonParser(server, s.max_json_depth)
  registerMultipart(server, app)
  server.setErrorHandler((error, request, reply) => sendProblem(app, request, reply, error))
  registerConcurrencyLimit(server, app) // before any route, and first on each: a full server refuses before reading the body
  await registerHttpSecurity(server, app) // before any route: rate limiting attaches to routes as they are added
  registerSystemRoutes(server, app, state)
  const allow = new AllowTable()
  registerActionRoutes(server, app, allow, recorders)
  server.setNotFoundHandler((request, reply) => {
    return sendProblem(
      app,
      request,
      reply,
      allow.notAllowed(request.method, request.url) ??
        new ServalError('not-found', { detail: `Nothing at ${request.method} ${request.url.split('?')[0]}` }),
    )
  })
  if (options.docs !== false) await registerDocsRoutes(server, app)
  await mountRoutes(server, app, app.extensions.flatMap((ext) => ext.routes?.(app) ?? []), allow)
  await registerWebSockets(server, app) // /channels/{name} and /ws, in their own context
  await registerGraphql(server, app) // /graphql and /graphiql, in their own context
  if (options.serve !== false) await startServing(app)
  server.addHook('onListen', (done) => {
    state.listening = true
    done()
  })
  server.addHook('onReady', (done) => {
    // inject() never listens; readiness there means "built".
    state.listening = true
    done()
  })
  if (s.max_connections > 0) server.server.maxConnections = s.max_connections
  return server
}

/**
 * Starts every extension's serving side (job workers, schedules), once per
 * app: when it is about to answer requests, never in one-shot commands.
 *
 * @example
 * ```ts
 * await startServing(app)
 * ```
 */
export async function startServing(app: App): Promise<void> {
  for (const ext of app.extensions) await ext.serve?.(app)
}

/** How often Node looks for timed-out requests: a quarter of the timeout, between 250 ms and Node's own 30 s. */
export function checkingInterval(timeoutS: number): number {
  return Math.min(30_000, Math.max(250, Math.floor((timeoutS * 1000) / 4)))
}
