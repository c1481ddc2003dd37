import type { App } from '../app/app.ts'
import { toProblem, type Problem } from '../errors/index.ts'

/**
 * The problem document of an error on a socket, with the same rules as
 * HTTP: a 5xx is logged with its request id and its detail hidden outside
 * dev mode, output schema issues stay in the log.
 *
 * @example
 * ```ts
 * socket.send(frames.error(id, socketProblem(app, error, '/ws', requestId)))
 * ```
 */
export function socketProblem(app: App, error: unknown, instance: string, requestId: string): Problem {
  const problem = toProblem(error, { devMode: app.settings.dev_mode, instance, requestId })
  if (problem.status >= 500) app.logger.error({ reqId: requestId, err: error }, problem.title)
  return problem
}
