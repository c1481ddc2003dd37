import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { NoSchemaIntrospectionCustomRule, type GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql'
import mercurius from 'mercurius'
import type { App } from '../app/app.ts'
import { ServalError } from '../errors/index.ts'
import { sendProblem } from '../http/problem-reply.ts'
import { clientSignal } from '../http/client-signal.ts'
import { requestCredentials } from '../http/security/credentials.ts'
import { NoSubscriptionOverHttp, queryLimits } from './limits.ts'
import { buildGraphqlSchema, type GraphqlContext } from './schema.ts'
import { registerSubscriptions } from './ws.ts'

/**
 * The GraphQL adapter: `POST /graphql`, `GET /graphql?query=` (queries
 * only: mercurius refuses a mutation over GET with a 405) and, in dev mode
 * or with `graphiql=true`, `/graphiql`. Mercurius lives in its own
 * encapsulated context, so the action routes pay nothing for it. The schema
 * is built once, here, from the registry.
 *
 * @example
 * ```ts
 * await registerGraphql(server, app) // from buildHttpServer
 * ```
 */
export async function registerGraphql(server: FastifyInstance, app: App, schema?: GraphQLSchema): Promise<void> {
  const s = app.settings
  const built = schema ?? (await buildGraphqlSchema(app))
  const validation = rules(app)
  // Subscriptions (and any operation) over WebSocket on the same path; the upgrade never reaches mercurius.
  registerSubscriptions(server, app, built, validation)
  await server.register(async (scope) => {
    scope.addHook('onRoute', integerPaths)
    // A callback hook, not an async one: no promise on every request.
    scope.addHook('preValidation', (request, reply, done) => {
      // Mercurius' own error handler would wrap this in a 200: answer the problem here.
      const error = astQuery(request.method === 'GET' ? request.query : request.body)
      if (error) sendProblem(app, request, reply, error)
      else done()
    })
    await scope.register(mercurius, {
      schema: built,
      path: '/graphql',
      graphiql: s.dev_mode || s.graphiql,
      // graphql-jit compiles an operation the second time it is seen: the hot queries of an app skip graphql-js' interpreter.
      jit: 1,
      validationRules: [...validation, NoSubscriptionOverHttp],
      errorFormatter: (execution, context) => {
        const formatted = mercurius.defaultErrorFormatter(execution, context)
        return refused(execution) ? { ...formatted, statusCode: 400 } : formatted
      },
      context: (request, reply): GraphqlContext => requestContext(app, request, reply),
    })
  })
}

/**
 * The context of one HTTP operation. Mercurius then assigns about fifteen
 * properties of its own onto it (`reply`, `app`, `errors`, one per hook,
 * `pubsub`, `__currentQuery`): declared here, they are slots of the
 * literal, so those assignments overwrite instead of growing the object
 * property by property (≈1.5 KB less garbage per request). A name mercurius
 * adds later only costs that growth again.
 */
function requestContext(app: App, request: FastifyRequest, reply: FastifyReply): GraphqlContext {
  const context = {
    credentials: requestCredentials(app, request),
    requestId: request.id,
    traceparent: request.headers.traceparent as string | undefined,
    signal: () => clientSignal(app, reply),
    calls: 0,
    loaders: undefined,
    reply: undefined,
    app: undefined,
    errors: null,
    preParsing: null,
    preValidation: null,
    preExecution: null,
    onResolution: null,
    preSubscriptionParsing: null,
    preSubscriptionExecution: null,
    onSubscriptionResolution: null,
    onSubscriptionEnd: null,
    onSubscriptionConnectionClose: null,
    onSubscriptionConnectionError: null,
    pubsub: undefined,
    __currentQuery: undefined,
  }
  return context
}

/**
 * Mercurius' response schema types an error's `path` as strings, so its
 * serializer answered a list index as `"9"`; the GraphQL spec (and clients
 * mapping errors back onto data) want the integer `9`. This patches the
 * schema of mercurius' routes as they are added, before it is compiled.
 */
function integerPaths(route: RouteOptions): void {
  const ok = (route.schema?.response as Record<string, { properties?: Record<string, unknown> }> | undefined)?.['2xx']
  const errors = ok?.properties?.errors as { items?: { properties?: Record<string, unknown> } } | undefined
  if (!ok || !errors?.items?.properties?.path) return
  const items = { ...errors.items, properties: { ...errors.items.properties, path: { type: 'array', items: { type: ['string', 'integer'] } } } }
  route.schema = { ...route.schema, response: { ...(route.schema!.response as object), '2xx': { ...ok, properties: { ...ok.properties, errors: { ...errors, items } } } } }
}

/**
 * An operation refused before it ran (syntax, validation, limits, variables
 * that do not coerce) is a 400 however many errors it has; mercurius would
 * answer 200 past the first. The run on which mercurius compiles a query
 * with graphql-jit leaves the variables to graphql-jit, whose coercion
 * errors come back as an execution without `data`: those are refusals too.
 */
function refused(execution: { data?: unknown; errors: readonly GraphQLError[] }): boolean {
  if (execution.data != null) return false
  const validation = (e: GraphQLError) => (e.originalError as { code?: string } | undefined)?.code === 'MER_ERR_GQL_VALIDATION'
  const variable = (e: GraphQLError) => e.path === undefined && e.message.startsWith('Variable "$')
  return execution.errors.some(validation) || (execution.errors.length > 0 && execution.errors.every(variable))
}

/**
 * Mercurius takes a `query` that is JSON as an already parsed AST, which
 * skips the parser and fails inside the validator. Serval accepts GraphQL
 * text only: JSON there is a 400.
 */
function astQuery(params: unknown): ServalError | undefined {
  const query = (params as { query?: unknown } | null | undefined)?.query
  if (typeof query !== 'string' || !query.trimStart().startsWith('{"')) return undefined
  try {
    JSON.parse(query)
  } catch {
    return undefined
  }
  return new ServalError('bad-request', { detail: 'query must be GraphQL text, not JSON' })
}

/** The limits on every operation, and no introspection outside dev mode unless `graphql_introspection`. */
function rules(app: App): ValidationRule[] {
  const s = app.settings
  const limits = queryLimits(s.graphql_max_depth, s.graphql_max_cost)
  return s.dev_mode || s.graphql_introspection ? [limits] : [limits, NoSchemaIntrospectionCustomRule]
}
