/**
 * The one registry of every error Serval raises. Each code has a default
 * status, a title and a problem `type`; `docs/errors.md` lists the same
 * table and a test checks the two agree.
 *
 * @example
 * ```ts
 * import { errorCodes } from 'serval'
 * errorCodes['invalid-input'].status // 422
 * ```
 */
export const errorCodes = {
  'bad-request': { status: 400, title: 'Bad request' },
  'invalid-json': { status: 400, title: 'Body is not valid JSON' },
  'invalid-grant': { status: 400, title: 'Invalid grant' },
  'unsupported-grant-type': { status: 400, title: 'Unsupported grant type' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'cross-site-request': { status: 403, title: 'Cross-site request refused' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  conflict: { status: 409, title: 'Conflict' },
  'job-not-finished': { status: 409, title: 'Job not finished' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'uri-too-long': { status: 414, title: 'URI too long' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'invalid-input': { status: 422, title: 'Invalid input' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  'action-error': { status: 400, title: 'Action error' },
  internal: { status: 500, title: 'Internal server error' },
  'invalid-output': { status: 500, title: 'Output does not match its schema' },
  'job-failed': { status: 500, title: 'Job failed' },
  'job-cancelled': { status: 409, title: 'Job cancelled' },
  'job-finished': { status: 409, title: 'Job already finished' },
  timeout: { status: 504, title: 'Action timed out' },
  unavailable: { status: 503, title: 'Service unavailable' },
  'action-disabled': { status: 503, title: 'Action disabled' },
  'over-capacity': { status: 503, title: 'Over capacity' },
  'webhook-failed': { status: 502, title: 'Webhook delivery failed' },
  'call-cancelled': { status: 409, title: 'Call cancelled' },
  'upgrade-required': { status: 426, title: 'Upgrade required' },
  'range-not-satisfiable': { status: 416, title: 'Range not satisfiable' },
  'mount-exists': { status: 409, title: 'Mount already exists' },
  'deploy-failed': { status: 422, title: 'Mount cannot be loaded' },
  'resource-unavailable': { status: 503, title: 'Resource unavailable' },
  'resource-failed': { status: 500, title: 'Resource failed to open' },
} as const satisfies Record<string, { status: number; title: string }>

/** A code in the error registry, e.g. `'invalid-input'`. */
export type ErrorCode = keyof typeof errorCodes

/** The RFC 9457 problem `type` URI for a code: `urn:serval:problem:{code}`. */
export function problemType(code: ErrorCode | string): string {
  return `urn:serval:problem:${code}`
}

/** Finds the code whose default status is `status`, for errors raised by the HTTP engine itself. */
export function codeForStatus(status: number): ErrorCode {
  for (const [code, def] of Object.entries(errorCodes) as [ErrorCode, { status: number }][]) {
    if (def.status === status && code !== 'action-error') return code
  }
  return status >= 500 ? 'internal' : 'bad-request'
}
