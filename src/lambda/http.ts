import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda'
import type { InjectOptions } from 'fastify'
import { toProblem } from '../errors/index.ts'
import { fromHttpApiEvent, fromRestEvent, type HttpRequest } from './http-request.ts'
import { toHttpApiResult, toRestResult, type HttpResponse } from './http-response.ts'
import type { LambdaRuntime } from './runtime.ts'

/**
 * Answers an API Gateway REST event through the same HTTP adapter as the
 * server (`inject()`, no socket), so routes, statuses, headers and problems
 * are the server's own.
 *
 * @example
 * ```ts
 * await answerRest(runtime, event, 'aws-request-id') // { statusCode: 200, … }
 * ```
 */
export function answerRest(runtime: LambdaRuntime, event: APIGatewayProxyEvent, requestId: string): Promise<APIGatewayProxyResult> {
  return answer(runtime, () => fromRestEvent(event), requestId).then(toRestResult)
}

/**
 * Answers an HTTP API (payload 2.0) or Function URL event, like `answerRest`.
 *
 * @example
 * ```ts
 * await answerHttpApi(runtime, event, 'aws-request-id') // { statusCode: 200, cookies: […], … }
 * ```
 */
export function answerHttpApi(runtime: LambdaRuntime, event: APIGatewayProxyEventV2, requestId: string): Promise<APIGatewayProxyStructuredResultV2> {
  return answer(runtime, () => fromHttpApiEvent(event), requestId).then(toHttpApiResult)
}

async function answer(runtime: LambdaRuntime, read: () => HttpRequest, requestId: string): Promise<HttpResponse> {
  let request: HttpRequest
  try {
    request = read()
  } catch (error) {
    // No route saw this event: the problem is answered here, in the server's shape.
    return problemResponse(error, requestId, false)
  }
  const server = await runtime.server()
  return server.inject(request as InjectOptions)
}

/**
 * A problem document as an HTTP response, for what fails before the HTTP
 * adapter can answer (a malformed event, a failed cold start).
 *
 * @example
 * ```ts
 * problemResponse(new ServalError('bad-request'), 'req-1', false).statusCode // 400
 * ```
 */
export function problemResponse(error: unknown, requestId: string, devMode: boolean): HttpResponse {
  const problem = toProblem(error, { devMode, requestId })
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': requestId },
    rawPayload: Buffer.from(JSON.stringify(problem)),
  }
}
