import { errorCodes, problemType, type ErrorCode } from './registry.ts'

/** One failing location in an input or output, as a JSON Pointer and a message. */
export interface ProblemIssue {
  path: string
  message: string
}

/**
 * An RFC 9457 problem document, as every Serval error is sent.
 *
 * @example
 * ```ts
 * const p: Problem = { type: 'urn:serval:problem:not-found', title: 'Not found', status: 404 }
 * ```
 */
export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  requestId?: string
  errors?: ProblemIssue[]
  [extension: string]: unknown
}

/** What `ServalError` is built from. */
export interface ServalErrorInit {
  detail?: string
  errors?: ProblemIssue[]
  headers?: Record<string, string>
  /** Extra members merged into the problem document. */
  extensions?: Record<string, unknown>
  cause?: unknown
  /** Overrides the registry's status (ActionError uses this). */
  status?: number
  /** Overrides the registry's title. */
  title?: string
  /**
   * The detail is Serval's own words about its state ("The server is
   * shutting down"), safe to show outside dev mode even for codes whose
   * details are otherwise hidden there (`unavailable`: lock paths, hosts).
   */
  publicDetail?: boolean
}

/**
 * An error with a registry code; thrown by Serval itself and turned into a
 * problem document by every transport.
 *
 * @example
 * ```ts
 * throw new ServalError('not-found', { detail: 'no action "x"' })
 * ```
 */
export class ServalError extends Error {
  readonly code: ErrorCode | string
  readonly status: number
  readonly title: string
  readonly detail: string | undefined
  readonly errors: ProblemIssue[] | undefined
  readonly headers: Record<string, string> | undefined
  readonly extensions: Record<string, unknown> | undefined
  readonly publicDetail: boolean

  constructor(code: ErrorCode | string, init: ServalErrorInit = {}) {
    const def = (errorCodes as Record<string, { status: number; title: string }>)[code]
    const title = init.title ?? def?.title ?? 'Error'
    const status = init.status ?? def?.status ?? 500
    // A client error is an answer, not a bug: capturing its stack was the
    // largest cost of the 422 path. Server errors keep theirs for the log.
    const limit = Error.stackTraceLimit
    if (status < 500) Error.stackTraceLimit = 0
    super(init.detail ?? title, init.cause === undefined ? undefined : { cause: init.cause })
    Error.stackTraceLimit = limit
    this.name = 'ServalError'
    this.code = code
    this.status = status
    this.title = title
    this.detail = init.detail
    this.errors = init.errors
    this.headers = init.headers
    this.extensions = init.extensions
    this.publicDetail = init.publicDetail === true
  }

  /** The problem document for this error. */
  toProblem(extra: { instance?: string; requestId?: string } = {}): Problem {
    const problem: Problem = { type: problemType(this.code), title: this.title, status: this.status }
    if (this.detail !== undefined) problem.detail = this.detail
    if (extra.instance !== undefined) problem.instance = extra.instance
    if (extra.requestId !== undefined) problem.requestId = extra.requestId
    if (this.errors !== undefined) problem.errors = this.errors
    if (this.extensions !== undefined) Object.assign(problem, this.extensions)
    return problem
  }
}

/**
 * The error a handler throws to answer with a chosen status and message.
 * Its message and details are sent to the client in every mode.
 *
 * @example
 * ```ts
 * throw new ActionError(409, 'Name already taken', { name })
 * ```
 */
export class ActionError extends ServalError {
  constructor(status: number, message: string, details?: Record<string, unknown>, code = 'action-error') {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`ActionError status must be an integer from 400 to 599, got ${status}`)
    }
    super(code, {
      status,
      title: message,
      detail: message,
      ...(details === undefined ? {} : { extensions: { details } }),
    })
    this.name = 'ActionError'
  }
}

/** Headers an error asks to be sent with its problem (e.g. `WWW-Authenticate`). */
export function problemHeaders(error: unknown): Record<string, string> | undefined {
  return error instanceof ServalError ? error.headers : undefined
}
