import { basePath } from '../config/public-url.ts'
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
  const problem = toProblem(error, { devMode: app.settings.dev_mode, requestId: where.requestId, instance: clientPath(app, where.instance) })
  // Serval's own state (draining, a disabled action, over capacity) is an answer, not a fault: no error line per request.
  if (problem.status >= 500 && !(error instanceof ServalError && error.publicDetail)) app.logger.error({ reqId: where.requestId, err: error }, problem.title)
  return problem
}

/**
 * A path of the app as the client called it: under a mount (or a
 * `base_path`) the app sees `/actions/x` while the client asked for
 * `/v2/actions/x`. Anything that is not a path (`lambda:add`) is left alone.
 *
 * @example
 * ```ts
 * clientPath(mountApp, '/actions/x') // '/v2/actions/x'
 * ```
 */
export function clientPath(app: App, path: string): string {
  if (app.settings.base_path === '' || path[0] !== '/') return path
  return `${basePath(app.settings)}${path}`
}
