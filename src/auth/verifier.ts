import { errors } from 'jose'
import { ServalError } from '../errors/index.ts'
import { unauthorized } from './challenge.ts'

/** Verified claims of a token. */
export type Claims = Readonly<Record<string, unknown>>

/**
 * Checks a bearer token and returns its claims, or throws a `ServalError`:
 * 401 for a token that is bad, 503 when the issuer cannot be reached (the
 * token may be fine; the client should retry, not log in again).
 *
 * @example
 * ```ts
 * const claims = await verifier.verify(token)
 * ```
 */
export interface TokenVerifier {
  verify(token: string): Promise<Claims>
}

const REASONS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'The token has expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'The token signature is invalid',
  ERR_JOSE_ALG_NOT_ALLOWED: 'The token algorithm is not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'The token algorithm is not supported',
  ERR_JWKS_NO_MATCHING_KEY: 'No key of the issuer matches the token',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'More than one key of the issuer matches the token',
  ERR_JWS_INVALID: 'The token is malformed',
  ERR_JWT_INVALID: 'The token is malformed',
}

/** JWKS failures: the issuer's fault or the network's, never the client's. */
const UPSTREAM = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'])

/**
 * Maps what verifying a token threw onto a problem: a 401 that says what
 * was wrong (never jose's raw message), or a 503 when the key set could not
 * be fetched (`remoteKeys`: the key set is the issuer's). Nothing here
 * becomes a 500.
 *
 * @example
 * ```ts
 * try { await jwtVerify(token, key) } catch (e) { throw tokenError(e) }
 * ```
 */
export function tokenError(error: unknown, remoteKeys = false): ServalError {
  if (error instanceof ServalError) return error
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthorized(`The token's "${error.claim}" claim is invalid (${error.reason})`, 'invalid_token')
  }
  const code = error instanceof errors.JOSEError ? error.code : undefined
  if (remoteKeys && (code === undefined || UPSTREAM.has(code))) {
    return new ServalError('unavailable', { detail: 'The identity provider could not be reached to verify the token; retry later', cause: error })
  }
  return unauthorized((code && REASONS[code]) || 'The token is invalid', 'invalid_token')
}
