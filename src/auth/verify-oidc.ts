import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { ServalError } from '../errors/index.ts'
import { discoveryUrl } from './issuers.ts'
import { tokenError, type Claims, type TokenVerifier } from './verifier.ts'

/** What the OIDC verifier needs. */
export interface OidcOptions {
  /** The issuer URL; discovery is at `{url}/.well-known/openid-configuration`. */
  readonly url: string
  /** The required `aud`; unset, any audience is accepted. */
  readonly audience?: string | undefined
  readonly clockSkewS: number
  /** How soon an unknown `kid` may trigger another JWKS fetch. */
  readonly jwksCooldownMs: number
}

interface Issuer {
  readonly issuer: string
  readonly keys: JWTVerifyGetKey
}

/** Asymmetric algorithms only: a JWKS never holds an HMAC key, and `none` is never a signature. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']
const DISCOVERY_RETRY_MS = 5_000

/**
 * Verifies tokens of an OpenID Connect issuer (`auth_mode=oidc`). Discovery
 * runs once (retried at most every 5 s while it fails); the JWKS is
 * jose's remote key set, which caches keys and refetches, cooldown-limited,
 * when a token names a `kid` it does not know: that is how key rotation
 * works without a restart.
 *
 * @example
 * ```ts
 * const verifier = createOidcVerifier({ url: 'https://id.example.com', audience: 'api', clockSkewS: 30, jwksCooldownMs: 30_000 })
 * const claims = await verifier.verify(token)
 * ```
 */
export function createOidcVerifier(options: OidcOptions): TokenVerifier {
  let issuer: Promise<Issuer> | undefined
  let failedAt = 0
  const discover = (): Promise<Issuer> => {
    if (issuer) return issuer
    if (Date.now() - failedAt < DISCOVERY_RETRY_MS) return Promise.reject(unreachable(options.url))
    issuer = discoverIssuer(options)
    issuer.catch(() => ((issuer = undefined), (failedAt = Date.now())))
    return issuer
  }
  return {
    async verify(token: string): Promise<Claims> {
      const { issuer: iss, keys } = await discover()
      try {
        const checks = { issuer: iss, clockTolerance: options.clockSkewS, algorithms: ALGORITHMS }
        return (await jwtVerify(token, keys, options.audience ? { ...checks, audience: options.audience } : checks)).payload
      } catch (error) {
        throw tokenError(error, true)
      }
    },
  }
}

/** Reads the discovery document; its `issuer` is what tokens' `iss` must equal. */
async function discoverIssuer(options: OidcOptions): Promise<Issuer> {
  const doc = await readDiscovery(options.url, 5_000).catch((cause: unknown) => {
    throw unreachable(options.url, cause)
  })
  const keys = createRemoteJWKSet(new URL(doc.jwksUri), { cooldownDuration: options.jwksCooldownMs })
  return { issuer: doc.issuer, keys }
}

export { discoveryUrl }

/**
 * An issuer's discovery document, the two fields Serval uses: `issuer`
 * (what tokens' `iss` must equal) and `jwks_uri`. Rejects with an error
 * saying why when it cannot be fetched within `timeoutMs` or lacks them.
 *
 * @example
 * ```ts
 * const { issuer, jwksUri } = await readDiscovery(settings.oidc_url, 5_000)
 * ```
 */
export async function readDiscovery(issuerUrl: string, timeoutMs: number): Promise<{ issuer: string; jwksUri: string }> {
  const res = await fetch(discoveryUrl(issuerUrl), { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown }
  if (typeof doc.issuer !== 'string' || typeof doc.jwks_uri !== 'string' || !URL.canParse(doc.jwks_uri)) throw new Error('the answer has no issuer or jwks_uri')
  return { issuer: doc.issuer, jwksUri: doc.jwks_uri }
}

/** A 503: the token may be fine, the issuer is not answering. The cause goes to the log, not the client. */
function unreachable(url: string, cause?: unknown): ServalError {
  return new ServalError('unavailable', { detail: `The identity provider ${url} could not be reached to verify the token; retry later`, cause })
}
