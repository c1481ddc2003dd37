import { createHmac } from 'node:crypto'
import { decodeJwt, jwtVerify, type JWTVerifyOptions } from 'jose'
import { unauthorized } from './challenge.ts'
import { DEV_ISSUER } from './issuers.ts'
import { tokenError, type Claims, type TokenVerifier } from './verifier.ts'

/**
 * The `iss` of tokens from the dev-mode token endpoint. `serval-debug` is
 * what older versions wrote, with `jwt_secret` itself: refused alike.
 */
export { DEV_ISSUER }
const DEV_ISSUERS = new Set([DEV_ISSUER, 'serval-debug'])
const DEV_KEY_LABEL = 'serval dev-mode token key v1'

/** What HS256 verification checks beyond the signature. */
export interface Hs256Options {
  readonly clockSkewS: number
  /** The required `iss` (`jwt_issuer`); unset, any but the dev issuer's. */
  readonly issuer?: string | undefined
  /** The required `aud` (`jwt_audience`); unset, any. */
  readonly audience?: string | undefined
  /** Dev mode only: the key of the dev token endpoint; without it, dev tokens are refused. */
  readonly devKey?: CryptoKey | undefined
}

/**
 * Imports an HS256 secret once as a WebCrypto key, for signing and
 * verifying: passing the raw bytes to jose would import it on every call.
 *
 * @example
 * ```ts
 * const key = await hs256Key(settings.jwt_secret)
 * ```
 */
export function hs256Key(secret: string | Uint8Array): Promise<CryptoKey> {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret
  return crypto.subtle.importKey('raw', bytes as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
}

/**
 * The dev token endpoint's own key, derived from `jwt_secret` under a label
 * (HMAC-SHA256), so it is the same across `serval dev` reloads yet never
 * the key `serval serve` verifies with: a dev token is worthless there.
 *
 * @example
 * ```ts
 * const devKey = await devTokenKey(settings.jwt_secret)
 * ```
 */
export function devTokenKey(secret: string): Promise<CryptoKey> {
  return hs256Key(createHmac('sha256', secret).update(DEV_KEY_LABEL).digest())
}

/**
 * Verifies HS256 tokens (`auth_mode=jwt`). Only HS256 is accepted, so
 * `alg: none` and tokens signed with another algorithm are rejected. A
 * token whose `iss` is the dev issuer is checked against the dev key in
 * dev mode and refused outside it; any other against `key`, `issuer` and
 * `audience`.
 *
 * @example
 * ```ts
 * const verifier = createHs256Verifier(await hs256Key('a-long-secret'), { clockSkewS: 30, issuer: 'https://login.example.com' })
 * const claims = await verifier.verify(token)
 * ```
 */
export function createHs256Verifier(key: CryptoKey, options: Hs256Options): TokenVerifier {
  const base: JWTVerifyOptions = { algorithms: ['HS256'], clockTolerance: options.clockSkewS, ...(options.audience ? { audience: options.audience } : {}) }
  const real: JWTVerifyOptions = options.issuer ? { ...base, issuer: options.issuer } : base
  const dev: JWTVerifyOptions = { ...base, issuer: DEV_ISSUER }
  return {
    async verify(token: string): Promise<Claims> {
      try {
        if (!DEV_ISSUERS.has(unverifiedIssuer(token))) return (await jwtVerify(token, key, real)).payload
        if (!options.devKey) throw unauthorized('Tokens of the dev-mode token endpoint are refused outside dev mode', 'invalid_token')
        return (await jwtVerify(token, options.devKey, dev)).payload
      } catch (error) {
        throw tokenError(error)
      }
    },
  }
}

/** Only routes the token to a key: nothing is trusted until its signature verifies. */
function unverifiedIssuer(token: string): string {
  const { iss } = decodeJwt(token)
  return typeof iss === 'string' ? iss : ''
}
