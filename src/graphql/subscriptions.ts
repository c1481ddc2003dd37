import type { GraphQLFieldConfig, GraphQLFieldConfigMap } from 'graphql'
import type { App } from '../app/app.ts'
import { admit } from '../channels/access.ts'
import { channelsOf, type RegisteredChannel } from '../channels/runtime.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'
import { pascalCase } from '../openapi/schemas.ts'
import { fieldError } from './errors.ts'
import { compileFields, fieldConfigs, withoutNulls } from './fields.ts'
import type { GraphqlContext } from './schema.ts'
import { abortable } from './streams.ts'
import { binaryFields } from '../schema/index.ts'
import { GRAPHQL_NAME, JsonScalar, type TypeMapper } from './types.ts'

type Fields = GraphQLFieldConfigMap<unknown, GraphqlContext>

/**
 * The `Subscription` fields of an app (SPEC §9): one per streaming action
 * (its arguments are the input's properties; each item is an event, the end
 * of the stream completes the subscription) and one per WebSocket channel
 * (its event type; `access` and `filter` apply as on `/channels/{name}`).
 * An action and a channel of one name: the action keeps it; the channel
 * (like one whose name GraphQL cannot spell) is left out with a warning.
 *
 * @example
 * ```ts
 * const fields = await subscriptionFields(app, types) // { countTo: …, messenger: … }
 * ```
 */
export async function subscriptionFields(app: App, types: TypeMapper): Promise<Fields> {
  const fields: Fields = {}
  for (const action of app.registry.list()) {
    // An input with files (uploads) has no GraphQL type, as for queries and mutations.
    if (action.streaming && action.methods.length > 0 && GRAPHQL_NAME.test(action.name) && binaryFields(action.input.jsonSchema).size === 0) fields[action.name] = await actionField(app, types, action)
  }
  for (const channel of channelsOf(app).channels.values()) {
    if (channel.kind !== 'websocket') continue
    const why = !GRAPHQL_NAME.test(channel.name) ? 'its name is not a GraphQL name' : fields[channel.name] ? 'a streaming action has its name' : undefined
    if (why) {
      app.logger.warn({ channel: channel.name }, `the channel has no GraphQL subscription field: ${why}`)
      continue
    }
    fields[channel.name] = channelField(app, types, channel)
  }
  return fields
}

async function actionField(app: App, types: TypeMapper, action: CompiledAction): Promise<GraphQLFieldConfig<unknown, GraphqlContext>> {
  const base = pascalCase(action.name)
  const input = action.input.jsonSchema as Record<string, unknown>
  const extra = await compileFields(action)
  const description = (action.def as { description?: string }).description
  return {
    type: action.output ? types.output(action.output.jsonSchema, `${base}Item`, undefined, extra.length > 0 ? () => fieldConfigs(app, types, action, extra) as never : undefined) : JsonScalar,
    args: typeof input.properties === 'object' ? types.inputFields(input, `${base}Input`, { schema: input }) : {},
    ...(typeof description === 'string' ? { description } : {}),
    subscribe: (_root, values, context) => streamOf(app, action, values, context),
    resolve: (item) => item,
  }
}

/** Runs the action through the pipeline (auth, validation, access) and hands its items over; `complete` aborts it. */
async function streamOf(app: App, action: CompiledAction, values: Record<string, unknown>, context: GraphqlContext): Promise<AsyncIterable<unknown>> {
  const controller = new AbortController()
  const toError = (error: unknown) => fieldError(app, error, context.requestId)
  try {
    const signal = AbortSignal.any([controller.signal, app.shutdownSignal])
    const out = await app.invoke(action, withoutNulls(values), { requestId: context.requestId, trigger: 'graphql', credentials: context.credentials, signal, traceparent: context.traceparent })
    return abortable(out as AsyncIterable<unknown>, controller, toError)
  } catch (error) {
    controller.abort()
    throw toError(error)
  }
}

function channelField(app: App, types: TypeMapper, channel: RegisteredChannel): GraphQLFieldConfig<unknown, GraphqlContext> {
  return {
    type: types.output(channel.eventSchema, `${pascalCase(channel.name)}Event`),
    ...(channel.description ? { description: channel.description } : {}),
    subscribe: async (_root, _values, context) => {
      try {
        if (!context.socket) throw new ServalError('bad-request', { detail: 'Subscriptions run over WebSocket: connect to /graphql with the graphql-transport-ws protocol' })
        const principal = await admit(app, channel.gate, context.credentials)
        return context.socket.join(channel.name, principal)
      } catch (error) {
        throw fieldError(app, error, context.requestId)
      }
    },
    resolve: (event) => event,
  }
}
