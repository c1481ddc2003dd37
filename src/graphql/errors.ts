import { GraphQLError } from 'graphql'
import type { App } from '../app/app.ts'
import { toProblem } from '../errors/index.ts'

/**
 * What a failing field carries in `errors[]`: the message of its problem
 * document and `extensions: { code, status, problem }`, the problem made by
 * `toProblem` as for REST (so nothing internal leaks outside dev mode).
 * graphql-js adds `path` and `locations`.
 *
 * @example
 * ```ts
 * try { return await app.invoke(action, args, inv) } catch (e) { throw fieldError(app, e, inv.requestId) }
 * ```
 */
export function fieldError(app: App, error: unknown, requestId: string): GraphQLError {
  const problem = toProblem(error, { devMode: app.settings.dev_mode, requestId })
  const code = problem.type.startsWith('urn:serval:problem:') ? problem.type.slice('urn:serval:problem:'.length) : problem.type
  return new GraphQLError(problem.detail ?? problem.title, { extensions: { code, status: problem.status, problem } })
}
