import { ServalError, toProblem, type Problem } from '../errors/index.ts'
import type { App } from './types.ts'

/**
 * The problem document every transport answers for an error: `toProblem`
 * with the app's dev mode, and a server error logged in full with its
 * request id, so the client's hidden detail can be matched to the log
 * (a 503 in Serval's own public words, such as draining, is not a fault).
 *
 * @example
 * ```ts
 * socket.send(frames.error(id, problemFor(app, error, { instance: '/ws', requestId })))
 * ```
 */
export function problemFor(app: App, error: unknown, where: { instance: string; requestId: string }): Problem {
  const problem = toProblem(error, { devMode: app.settings.dev_mode, ...where })
  // Serval's own state (draining, a disabled action, over capacity) is an answer, not a fault: no error line per request.
  if (problem.status >= 500 && !(error instanceof ServalError && error.publicDetail)) app.logger.error({ reqId: where.requestId, err: error }, problem.title)
  return problem
}
