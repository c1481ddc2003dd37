import { createHash, timingSafeEqual } from 'node:crypto'
import type { Security } from '../core/security.ts'
import { DEV_ISSUER } from './issuers.ts'

/** The dev-mode token issuer: its own HS256 key (never jwt_secret's), the password it asks for, the `aud` it writes. */
export interface DebugIssuer {
  readonly key: CryptoKey
  readonly password: string
  readonly audience?: string | undefined
}

/** A token the debug endpoint issued, in the OAuth2 token response shape. */
export interface IssuedToken {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  scope: string
}

const issuers = new WeakMap<Security, DebugIssuer>()
const TTL_S = 3600

/**
 * Ties a dev-mode issuer to the security that verifies its tokens, so
 * the token endpoint signs with the very dev key the pipeline checks
 * `iss: serval-dev` tokens against.
 *
 * @example
 * ```ts
 * registerDebugIssuer(security, { key, password })
 * ```
 */
export function registerDebugIssuer(security: Security, issuer: DebugIssuer): void {
  issuers.set(security, issuer)
}

/**
 * The dev-mode issuer of a security, if it has one (`auth_mode=jwt` in dev mode).
 *
 * @example
 * ```ts
 * const routes = debugIssuerOf(app.security) ? tokenRoutes(app) : []
 * ```
 */
export function debugIssuerOf(security: Security): DebugIssuer | undefined {
  return issuers.get(security)
}

/**
 * Compares passwords in constant time (hashes first, so lengths do not leak).
 *
 * @example
 * ```ts
 * passwordMatches(issuer, form.password)
 * ```
 */
export function passwordMatches(issuer: DebugIssuer, password: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(issuer.password), digest(password))
}

/**
 * Signs an hour-long HS256 token for `sub` with the requested scopes and
 * groups, as `iss: serval-dev` with the dev key (valid in dev mode only).
 *
 * @example
 * ```ts
 * const { access_token } = await issueToken(issuer, 'ada', ['read'], [])
 * ```
 */
export async function issueToken(issuer: DebugIssuer, sub: string, scopes: readonly string[], groups: readonly string[]): Promise<IssuedToken> {
  const scope = scopes.join(' ')
  const { SignJWT } = await import('jose')
  const jwt = new SignJWT({ scope, ...(groups.length ? { groups: [...groups] } : {}) })
  if (issuer.audience) jwt.setAudience(issuer.audience)
  const token = await jwt
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(DEV_ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${TTL_S}s`)
    .sign(issuer.key)
  return { access_token: token, token_type: 'bearer', expires_in: TTL_S, scope }
}
