import type DataLoader from 'dataloader'
import { GraphQLObjectType, GraphQLSchema, GraphQLBoolean, type GraphQLFieldConfig, type GraphQLFieldConfigMap } from 'graphql'
import type { App } from '../app/app.ts'
import type { Credentials } from '../core/security.ts'
import { binaryFields } from '../schema/index.ts'
import type { CompiledAction } from '../core/registry.ts'
import { isFileOutput } from '../action/file.ts'
import { ServalError } from '../errors/index.ts'
import { pascalCase } from '../openapi/schemas.ts'
import { fieldError } from './errors.ts'
import { compileFields, fieldConfigs, overCalls, withoutNulls } from './fields.ts'
import type { SocketChannels } from './streams.ts'
import { subscriptionFields } from './subscriptions.ts'
import { GRAPHQL_NAME, JsonScalar, TypeMapper } from './types.ts'

/** What every resolver gets from the transport: who is asking, for which request. */
export interface GraphqlContext {
  readonly credentials: Credentials
  readonly requestId: string
  /** The request's W3C `traceparent`: each field's invocation span continues it. */
  readonly traceparent?: string | undefined
  /** Made on first use: aborts when the client goes away or the server shuts down. */
  readonly signal?: () => AbortSignal
  /**
   * Pipeline calls made so far by this operation, held against
   * `graphql_max_calls`; absent on a subscription, whose events each resolve
   * their fields over the whole life of the socket.
   */
  calls?: number
  /** The batches of this request's batched fields, by field and arguments: made by the first batched field, so a request without one allocates none. */
  loaders?: Map<string, DataLoader<unknown, unknown>>
  /** The channels of the WebSocket carrying the operation (absent over HTTP, where subscriptions cannot run). */
  readonly socket?: SocketChannels
}

/**
 * The GraphQL schema of an app, built once from its registry: GET actions
 * are `Query` fields, every other HTTP action a `Mutation` field, named by
 * the action. Each resolver calls `app.invoke`, so validation, access rules,
 * `ctx` and output checking are those of REST. Root fields are nullable: one
 * failing field leaves the rest of the answer.
 *
 * @example
 * ```ts
 * import { printSchema } from 'graphql'
 * printSchema(await buildGraphqlSchema(app)) // 'type Query { sayHello(name: String): SayHelloOutput … }'
 * ```
 */
export async function buildGraphqlSchema(app: App): Promise<GraphQLSchema> {
  const types = new TypeMapper()
  const query: GraphQLFieldConfigMap<unknown, GraphqlContext> = {}
  const mutation: GraphQLFieldConfigMap<unknown, GraphqlContext> = {}
  for (const action of app.registry.list()) {
    if (!exposed(action)) continue
    const target = action.methods.includes('GET') ? query : mutation
    target[action.name] = rootField(app, types, action, await compileFields(action))
  }
  const subscription = await subscriptionFields(app, types)
  // A schema needs a Query type, even for an app with mutations only.
  if (Object.keys(query).length === 0) query._empty = { type: GraphQLBoolean, description: 'This app has no GET actions', resolve: () => null }
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: query }),
    ...(Object.keys(mutation).length > 0 ? { mutation: new GraphQLObjectType({ name: 'Mutation', fields: mutation }) } : {}),
    ...(Object.keys(subscription).length > 0 ? { subscription: new GraphQLObjectType({ name: 'Subscription', fields: subscription }) } : {}),
  })
}

/** HTTP actions with a GraphQL name; streams wait for subscriptions, files (uploads) have no GraphQL type. */
function exposed(action: CompiledAction): boolean {
  return action.methods.length > 0 && !action.streaming && GRAPHQL_NAME.test(action.name) && binaryFields(action.input.jsonSchema).size === 0
}

function rootField(app: App, types: TypeMapper, action: CompiledAction, fields: Awaited<ReturnType<typeof compileFields>>): GraphQLFieldConfig<unknown, GraphqlContext> {
  const base = pascalCase(action.name)
  const input = action.input.jsonSchema as Record<string, unknown>
  const args = typeof input.properties === 'object' ? types.inputFields(input, `${base}Input`, { schema: input }) : {}
  const description = (action.def as { description?: string }).description
  return {
    type: action.output ? types.output(action.output.jsonSchema, `${base}Output`, undefined, fields.length > 0 ? () => fieldConfigs(app, types, action, fields) as never : undefined) : JsonScalar,
    args,
    ...(typeof description === 'string' ? { description } : {}),
    resolve: (_parent, values, context) => invokeAction(app, action, values, context),
  }
}

/** One `.then` on the pipeline's promise, no async wrapper: a root field runs on every request. */
function invokeAction(app: App, action: CompiledAction, values: Record<string, unknown>, context: GraphqlContext): Promise<unknown> {
  const refused = overCalls(app, context)
  if (refused) return Promise.reject(refused)
  return app.invoke(action, withoutNulls(values), { requestId: context.requestId, trigger: 'graphql', credentials: context.credentials, signal: context.signal, traceparent: context.traceparent }).then(
    (result) => {
      if (isFileOutput(result)) throw fieldError(app, new ServalError('not-acceptable', { detail: `${action.name} returns a file: fetch it over REST at /actions/${action.path}` }), context.requestId)
      return result
    },
    (error: unknown) => {
      throw fieldError(app, error, context.requestId)
    },
  )
}
