/**
 * `serval/lambda`: the same actions on AWS Lambda, behind API Gateway (REST
 * or HTTP API), a Function URL, direct invocations and EventBridge schedules.
 *
 * @example
 * ```ts
 * // handler.ts: the function directories come from SERVAL_FUNCTION_DIRS
 * export { handler } from 'serval/lambda'
 * ```
 */
import { createHandler, type LambdaHandler } from './handler.ts'

export { createHandler, type LambdaContext, type LambdaHandler, type LambdaResult } from './handler.ts'
export type { HandlerOptions } from './init.ts'
export type { DirectResult } from './direct.ts'
export type { DirectOutput } from './output.ts'

/**
 * The handler for the function directories of `SERVAL_FUNCTION_DIRS` (else
 * `./actions`, else `.`), every setting read from the environment as the
 * CLI reads it. Defining it costs nothing: the app is built on the first event.
 *
 * @example
 * ```yaml
 * # serverless.yml
 * functions: { api: { handler: handler.handler } }
 * ```
 */
export const handler: LambdaHandler = createHandler()
