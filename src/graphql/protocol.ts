import { createSourceEventStream, execute, getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type ValidationRule } from 'graphql'
import type { ServerOptions, SubscribePayload } from 'graphql-ws'
import type { App } from '../app/app.ts'
import { problemFor } from '../app/problem.ts'
import type { Credentials } from '../core/security.ts'
import { ServalError } from '../errors/index.ts'
import { fieldError } from './errors.ts'
import type { GraphqlContext } from './schema.ts'
import { mapEvents, type SocketChannels } from './streams.ts'

/**
 * One GraphQL socket: who it is (the handshake's credentials, replaced by a
 * token from `connection_init`), the channels it joined, how to close it.
 *
 * @example
 * ```ts
 * const state: SocketState = { credentials: { authorization: 'Bearer …' }, channels, close: (code, reason) => ws.close(code, reason) }
 * ```
 */
export interface SocketState {
  credentials: Credentials
  /** The handshake's W3C `traceparent`: each operation on the socket continues it, unless its `extensions.traceparent` says otherwise. */
  readonly traceparent?: string | undefined
  readonly channels: SocketChannels
  close(code: number, reason: string): void
}

/** The context of a subscription: its source stream is made while the operation is judged, so a refusal is an `error` message. */
interface SubscriptionContext extends GraphqlContext {
  readonly source: AsyncIterable<unknown>
}

type Ctx = Parameters<NonNullable<ServerOptions<Record<string, unknown> | undefined, SocketState>['onConnect']>>[0]

/** graphql-ws closes a refused `connection_init` with 4403; a malformed one is 4400. */
const FORBIDDEN = 4403
const BAD_REQUEST = 4400

/**
 * The graphql-ws server options: `connection_init` authenticates, each
 * `subscribe` is parsed, validated (the limits and introspection rules of
 * HTTP too) and, for a subscription, started at once: a syntax error,
 * invalid document, access failure or too many operations is an `error`
 * message (the problem in `extensions.problem`), and the socket stays open.
 *
 * @example
 * ```ts
 * const server = makeServer(protocolOptions(app, schema, rules))
 * ```
 */
export function protocolOptions(app: App, schema: GraphQLSchema, rules: readonly ValidationRule[]): ServerOptions<Record<string, unknown> | undefined, SocketState> {
  const allRules = [...specifiedRules, ...rules]
  return {
    schema,
    onConnect: (ctx) => connect(app, ctx),
    onSubscribe: (ctx, id, payload) => prepare(app, { schema, rules: allRules }, ctx, id, payload),
    subscribe: (args: ExecutionArgs) => mapEvents((args.contextValue as SubscriptionContext).source, (event) => execute({ ...args, rootValue: event })),
  }
}

/**
 * `connection_init`: a token in the payload (`{ authorization: 'Bearer …' }`
 * or `{ token: '…' }`) replaces the handshake's. A token that is sent must
 * be valid, else the socket closes with 4403 and the problem's detail.
 * The ack carries the socket's `connectionId` (for targeted publishes).
 */
async function connect(app: App, ctx: Ctx): Promise<Record<string, unknown> | false> {
  const state = ctx.extra
  const token = initToken(ctx.connectionParams)
  if (token instanceof ServalError) return refuse(state, BAD_REQUEST, token.message)
  if (token !== undefined) state.credentials = { ...state.credentials, authorization: token }
  try {
    if (state.credentials.authorization !== undefined) await app.security.identify?.(state.credentials)
  } catch (error) {
    const problem = problemFor(app, error, { instance: '/graphql', requestId: `${state.channels.connectionId}:init` })
    return refuse(state, FORBIDDEN, `${problem.title}: ${problem.detail ?? ''}`)
  }
  return { connectionId: state.channels.connectionId }
}

function initToken(params: Readonly<Record<string, unknown>> | undefined): string | undefined | ServalError {
  if (!params) return undefined
  const authorization = params.authorization ?? params.Authorization
  if (authorization !== undefined) return typeof authorization === 'string' ? authorization : new ServalError('bad-request', { detail: 'connection_init: authorization must be a string' })
  if (params.token === undefined) return undefined
  return typeof params.token === 'string' && params.token !== '' ? `Bearer ${params.token}` : new ServalError('bad-request', { detail: 'connection_init: token must be a non-empty string' })
}

function refuse(state: SocketState, code: number, reason: string): false {
  // A close reason is at most 123 bytes.
  state.close(code, Buffer.from(reason).subarray(0, 123).toString().replace(/\uFFFD$/, ''))
  return false
}

interface Checks {
  readonly schema: GraphQLSchema
  readonly rules: readonly ValidationRule[]
}

async function prepare(app: App, checks: Checks, ctx: Ctx, id: string, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const state = ctx.extra
  const requestId = `${state.channels.connectionId}:${id}`
  const max = app.settings.graphql_max_subscriptions
  // graphql-ws has already counted this operation in.
  if (Object.keys(ctx.subscriptions).length > max) {
    return [fieldError(app, new ServalError('too-many-requests', { detail: `At most ${max} operations may run at once on one socket (graphql_max_subscriptions)` }), requestId)]
  }
  const document = parseQuery(payload.query)
  if (!('kind' in document)) return document
  const errors = validate(checks.schema, document, checks.rules)
  if (errors.length > 0) return errors
  const own = payload.extensions?.traceparent
  const traceparent = typeof own === 'string' ? own : state.traceparent
  const context: GraphqlContext = { credentials: state.credentials, requestId, signal: () => app.shutdownSignal, socket: state.channels, traceparent }
  const args: ExecutionArgs = { schema: checks.schema, document, variableValues: payload.variables ?? null, operationName: payload.operationName ?? null, contextValue: context }
  if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') return { ...args, contextValue: { ...context, calls: 0 } }
  const source = await createSourceEventStream(args)
  if (!(Symbol.asyncIterator in source)) return source.errors ?? [new GraphQLError('The subscription did not start')]
  return { ...args, contextValue: { ...context, source } satisfies SubscriptionContext }
}

function parseQuery(query: string): DocumentNode | readonly GraphQLError[] {
  try {
    return parse(query)
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError(String(error))]
  }
}
