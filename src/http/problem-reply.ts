import type { FastifyReply, FastifyRequest } from 'fastify'
import { compileSerializer } from '../schema/serialize.ts'
import { problemSchema } from '../openapi/schemas.ts'
import { codeForStatus, problemHeaders, ServalError, toProblem } from '../errors/index.ts'
import type { App } from '../app/app.ts'

const PROBLEM_TYPE = 'application/problem+json'

// Compiled once, like every output: problem documents are the 4xx hot path.
const serializeProblem = compileSerializer({ ...problemSchema, additionalProperties: true })

/** Errors Fastify raises before a handler runs, mapped onto the registry. */
const ENGINE_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_CTP_INVALID_JSON: 'invalid-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid-json',
  FST_ERR_BAD_URL: 'bad-request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad-request',
}

/** Turns whatever was thrown (by Fastify, the pipeline or a handler) into a `ServalError` or leaves it unknown. */
export function normaliseEngineError(error: unknown): unknown {
  if (error instanceof ServalError) return error
  const e = error as { code?: string; statusCode?: number; message?: string }
  const code = e?.code ? ENGINE_ERRORS[e.code] : undefined
  if (code) return new ServalError(code, { detail: e.message ?? code })
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ServalError(codeForStatus(e.statusCode), { status: e.statusCode, detail: e.message ?? 'Bad request' })
  }
  return error
}

/**
 * Sends an error as an RFC 9457 problem document. Unknown errors are a 500
 * whose detail stays hidden outside dev mode; they are logged with the
 * request id, so the two can be matched.
 */
export function sendProblem(app: App, request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const normal = normaliseEngineError(error)
  const problem = toProblem(normal, { devMode: app.settings.dev_mode, instance: pathOf(request.url), requestId: String(request.id) })
  if (problem.status >= 500) request.log.error({ reqId: request.id, err: error }, problem.title)
  if (!app.settings.dev_mode && problem.type.endsWith(':invalid-output')) delete problem.outputIssues
  const headers = problemHeaders(normal)
  if (headers) reply.headers(headers)
  return reply.code(problem.status).header('content-type', PROBLEM_TYPE).send(serializeProblem(problem))
}

function pathOf(url: string): string {
  const q = url.indexOf('?')
  return q < 0 ? url : url.slice(0, q)
}
