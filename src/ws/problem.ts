import type { App } from '../app/app.ts'
import { problemFor } from '../app/problem.ts'
import type { Problem } from '../errors/index.ts'

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
  return problemFor(app, error, { instance, requestId })
}
