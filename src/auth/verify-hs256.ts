import { jwtVerify } from 'jose'
import { tokenError, type Claims, type TokenVerifier } from './verifier.ts'

/**
 * Imports an HS256 secret once as a WebCrypto key, for signing and
 * verifying: passing the raw bytes to jose would import it on every call.
 *
 * @example
 * ```ts
 * const key = await hs256Key(settings.jwt_secret)
 * ```
 */
export function hs256Key(secret: string): Promise<CryptoKey> {
  const bytes = new TextEncoder().encode(secret)
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
}

/**
 * Verifies HS256 tokens (`auth_mode=jwt`). Only HS256 is accepted, so
 * `alg: none` and tokens signed with another algorithm are rejected.
 *
 * @example
 * ```ts
 * const verifier = createHs256Verifier(await hs256Key('a-long-secret'), 30)
 * const claims = await verifier.verify(token)
 * ```
 */
export function createHs256Verifier(key: CryptoKey, clockSkewS: number): TokenVerifier {
  const options = { algorithms: ['HS256'], clockTolerance: clockSkewS }
  return {
    async verify(token: string): Promise<Claims> {
      try {
        return (await jwtVerify(token, key, options)).payload
      } catch (error) {
        throw tokenError(error)
      }
    },
  }
}
