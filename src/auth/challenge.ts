import { ServalError } from '../errors/index.ts'

/**
 * The 401 every auth failure answers with, carrying an RFC 6750
 * `WWW-Authenticate: Bearer` challenge. Without `error` it means "send a
 * token"; `invalid_token` means the token sent was rejected.
 *
 * @example
 * ```ts
 * throw unauthorized('The token has expired', 'invalid_token')
 * ```
 */
export function unauthorized(detail: string, error?: 'invalid_token' | 'invalid_request'): ServalError {
  const challenge = error ? `Bearer error="${error}", error_description="${quotable(detail)}"` : 'Bearer'
  return new ServalError('unauthorized', { detail, headers: { 'www-authenticate': challenge } })
}

/**
 * The 403 of a verified caller who may not run an action. A missing scope
 * also names the scopes in the challenge, as RFC 6750 §3.1 asks.
 *
 * @example
 * ```ts
 * throw forbidden('Requires scope "write"', ['write'])
 * ```
 */
export function forbidden(detail: string, scopes?: readonly string[]): ServalError {
  if (!scopes) return new ServalError('forbidden', { detail })
  const challenge = `Bearer error="insufficient_scope", error_description="${quotable(detail)}", scope="${quotable(scopes.join(' '))}"`
  return new ServalError('forbidden', { detail, headers: { 'www-authenticate': challenge } })
}

/**
 * The token in an `Authorization: Bearer …` header; undefined when no
 * header was sent. Any other scheme, or an empty token, is a 401: a
 * credential that was sent is never ignored.
 *
 * @example
 * ```ts
 * bearerToken('Bearer eyJhbGciOi…') // 'eyJhbGciOi…'
 * ```
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const space = header.indexOf(' ')
  const token = space === -1 ? '' : header.slice(space + 1).trim()
  if (space === -1 || header.slice(0, space).toLowerCase() !== 'bearer' || token === '') {
    throw unauthorized('The Authorization header must be "Bearer <token>"', 'invalid_request')
  }
  return token
}

/** Header parameter values are quoted strings: drop what would break them. */
function quotable(text: string): string {
  return text.replace(/["\\\r\n]/g, "'").replace(/[^\x20-\x7e]/g, '?')
}
