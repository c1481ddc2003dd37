import { ActionError, ServalError, type Problem } from './problem.ts'

/** Options for `toProblem`. */
export interface ToProblemOptions {
  /** Show what is hidden from clients otherwise: unknown errors, infrastructure details, output issues. */
  devMode: boolean
  instance?: string
  requestId?: string
}

/**
 * Errors the HTTP engine (Fastify) raises before a handler runs, by their
 * `code`, mapped onto the registry. Only these, and Serval's own errors,
 * keep their status: any other error is a 500, whatever `statusCode` it
 * carries, because a driver's 4xx message can hold a connection string.
 * Plain strings, so the core stays free of any transport import.
 */
const ENGINE_ERRORS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid-json',
  FST_ERR_BAD_URL: 'bad-request',
  FST_ERR_INVALID_URL: 'bad-request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri-too-long',
  FST_ERR_ASYNC_CONSTRAINT: 'bad-request',
  FST_ERR_NOT_FOUND: 'not-found',
}

/** What clients read instead of the detail of these codes outside dev mode (the log keeps the real one). */
const GENERIC_DETAIL: Readonly<Record<string, string>> = {
  internal: 'An internal error occurred; see the server log for this requestId',
  // 503s come from infrastructure: their details name lock files, pids and hosts.
  unavailable: 'The service is unavailable; retry later',
}

/**
 * Normalises anything thrown into a problem document: the one normaliser
 * every transport (HTTP, jobs, streams, the CLI) uses. Serval's errors
 * (`ServalError`, `ActionError`) and known engine errors keep their
 * status; anything else is a 500. Outside dev mode, unknown errors and
 * infrastructure (`unavailable`) details are replaced by a generic detail
 * (unless the error says its detail is public: Serval's own state) and
 * output-schema issues are dropped.
 *
 * @example
 * ```ts
 * toProblem(new Error('boom'), { devMode: false }) // { status: 500, title: 'Internal server error', … }
 * ```
 */
export function toProblem(error: unknown, options: ToProblemOptions): Problem {
  const base = { instance: options.instance, requestId: options.requestId }
  const known = asServalError(error)
  if (!known) return new ServalError('internal', { detail: options.devMode ? describeError(error) : GENERIC_DETAIL.internal }).toProblem(base)
  const problem = known.toProblem(base)
  // An ActionError's message is the handler's answer to the client, in every mode.
  return options.devMode || known instanceof ActionError || known.publicDetail ? problem : publicProblem(problem)
}

/**
 * A problem as clients may see it outside dev mode: no output issues, no
 * infrastructure detail. For problems stored earlier (a job's error), which
 * a worker in dev mode may have recorded in full.
 *
 * @example
 * ```ts
 * publicProblem(job.error) // the same problem without `outputIssues`
 * ```
 */
export function publicProblem(problem: Problem): Problem {
  const code = problem.type.slice(problem.type.lastIndexOf(':') + 1)
  const generic = GENERIC_DETAIL[code]
  if (generic === undefined && !('outputIssues' in problem)) return problem
  const { outputIssues: _hidden, ...rest } = problem
  return generic === undefined ? rest : { ...rest, detail: generic }
}

function asServalError(error: unknown): ServalError | undefined {
  if (error instanceof ServalError) return error
  const e = error as { code?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? ENGINE_ERRORS[e.code] : undefined
  if (code === undefined) return undefined
  return new ServalError(code, typeof e?.message === 'string' ? { detail: e.message } : {})
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}${error.stack ? `\n${error.stack}` : ''}`
  return String(error)
}
