import { randomUUID } from 'node:crypto'
import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda'
import type { App } from '../app/app.ts'
import { toProblem } from '../errors/index.ts'
import { classify } from './classify.ts'
import { notADirectInvocation, runBatch, runDirect, runScheduled, type CallInfo, type DirectResult } from './direct.ts'
import { answerHttpApi, answerRest, problemResponse } from './http.ts'
import { toHttpApiResult, toRestResult } from './http-response.ts'
import { loadLambdaApp, type HandlerOptions } from './init.ts'
import { LambdaRuntime } from './runtime.ts'

/** What a Serval function answers: an API Gateway result, a direct invocation's result, or a batch's. */
export type LambdaResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | DirectResult | DirectResult[]

/** The part of the Lambda context Serval reads; tests may pass none. */
export type LambdaContext = Partial<Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>>

/** A Lambda handler for every event kind Serval answers. */
export type LambdaHandler = (event: unknown, context?: LambdaContext) => Promise<LambdaResult>

/**
 * A Lambda handler serving the actions of `dirs`. Nothing happens until
 * the first event: then the app is built once for the container (events
 * that arrive meanwhile wait for the same build), and the HTTP adapter on
 * the first HTTP event. No socket is ever opened.
 *
 * @example
 * ```ts
 * // handler.ts
 * import { createHandler } from 'serval/lambda'
 * export const handler = createHandler({ dirs: ['actions'] })
 * ```
 */
export function createHandler(options: HandlerOptions = {}): LambdaHandler {
  return handlerFor(() => loadLambdaApp(options))
}

/**
 * The handler over an app built by `init`: `createHandler` with the
 * discovery step replaced (tests and embedders that build their own app).
 *
 * @example
 * ```ts
 * const handler = handlerFor(() => createApp({ actions }))
 * ```
 */
export function handlerFor(init: () => Promise<App>): LambdaHandler {
  const runtime = new LambdaRuntime(init)
  return (event, context = {}) => answerEvent(runtime, event, callInfo(context))
}

async function answerEvent(runtime: LambdaRuntime, event: unknown, call: CallInfo): Promise<LambdaResult> {
  const kind = classify(event)
  try {
    if (kind.kind === 'rest') return await answerRest(runtime, kind.event, call.requestId)
    if (kind.kind === 'http-api') return await answerHttpApi(runtime, kind.event, call.requestId)
    const app = await runtime.app()
    if (kind.kind === 'direct') return await runDirect(app, kind.event, call)
    if (kind.kind === 'batch') return await runBatch(app, kind.events, call)
    if (kind.kind === 'scheduled') return await runScheduled(app, kind.event, call)
    return { error: notADirectInvocation(app, call, describe(event)) }
  } catch (error) {
    // Only a failed cold start gets here (each kind answers its own errors); the next event builds again.
    console.error(JSON.stringify({ level: 'error', msg: 'serval: the function could not start', reqId: call.requestId, err: String((error as Error)?.stack ?? error) }))
    if (kind.kind === 'rest') return toRestResult(problemResponse(error, call.requestId, false))
    if (kind.kind === 'http-api') return toHttpApiResult(problemResponse(error, call.requestId, false))
    return { error: toProblem(error, { devMode: false, requestId: call.requestId }) }
  }
}

function callInfo(context: LambdaContext): CallInfo {
  const requestId = context.awsRequestId ?? randomUUID()
  const remaining = context.getRemainingTimeInMillis
  // The handler's ctx.signal fires shortly before Lambda would kill the call, so it can stop cleanly.
  const signal = (): AbortSignal => (remaining ? AbortSignal.timeout(Math.max(remaining.call(context) - 250, 0)) : new AbortController().signal)
  return { requestId, signal }
}

function describe(event: unknown): string {
  if (event === null) return 'got null'
  if (typeof event !== 'object') return `got ${typeof event}`
  const keys = Object.keys(event).slice(0, 5)
  return keys.length ? `fields ${keys.map((k) => `"${k}"`).join(', ')}` : 'an empty object'
}
