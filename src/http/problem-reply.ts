import type { FastifyReply, FastifyRequest } from 'fastify'
import { compileSerializer } from '../schema/serialize.ts'
import { problemSchema } from '../openapi/schemas.ts'
import { clientPath, problemFor } from '../app/problem.ts'
import { problemHeaders, type Problem } from '../errors/index.ts'
import type { App } from '../app/app.ts'
import type { InputRefusal } from '../core/refusal.ts'
import { invalidInputProblem } from '../schema/index.ts'

// With the charset Fastify would add, so it has nothing to append per reply.
const VERSION = 'x-functions-version'
const ACTIONS = '/actions/'
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8'

// Compiled once, like every output: problem documents are the 4xx hot path.
const serializeProblem = compileSerializer({ ...problemSchema, additionalProperties: true })

/**
 * Sends an error as an RFC 9457 problem document: a thin writer over
 * `toProblem`, the one normaliser. Server errors are logged in full with
 * the request id, so the client's hidden detail can be matched to them.
 *
 * @example
 * ```ts
 * return sendProblem(app, request, reply, new ServalError('not-found', { detail: 'No job 42' }))
 * ```
 */
export function sendProblem(app: App, request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  // An action's route answers with its version, also when it refuses before the handler ran (415, 413, 429, 503).
  if (!reply.hasHeader(VERSION) && request.routeOptions.url?.startsWith(ACTIONS) === true) reply.header(VERSION, app.functionsVersion)
  const problem = problemFor(app, error, { instance: pathOf(request.url), requestId: String(request.id) })
  return writeProblem(reply, problem, problemHeaders(error))
}

/**
 * Sends the 422 of an input the pipeline refused (`execute` returned an
 * `InputRefusal`): the problem `sendProblem` would send for
 * `refusal.error()`, made without the error. Nothing is logged, as for
 * every client error.
 *
 * @example
 * ```ts
 * if (output instanceof InputRefusal) return sendRefusal(app, request, reply, output)
 * ```
 */
export function sendRefusal(app: App, request: FastifyRequest, reply: FastifyReply, refusal: InputRefusal): FastifyReply {
  const problem = invalidInputProblem(refusal.issues, { instance: clientPath(app, pathOf(request.url)), requestId: String(request.id) })
  return reply.code(problem.status).header('content-type', PROBLEM_TYPE).send(serializeProblem(problem))
}

/**
 * Writes a problem document already made (a stored job error, a route's own).
 *
 * @example
 * ```ts
 * writeProblem(reply, job.error, undefined)
 * ```
 */
export function writeProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> | undefined): FastifyReply {
  if (headers) reply.headers(headers)
  return reply.code(problem.status).header('content-type', PROBLEM_TYPE).send(serializeProblem(problem))
}

function pathOf(url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}
