import type { Claims, TokenVerifier } from './verifier.ts'

/** How long a verified token is trusted without checking it again, at most. */
const MAX_AGE_MS = 60_000
const MAX_ENTRIES = 10_000
// Real tokens are 1–2 kB; bigger ones are verified every time so the cache stays small (≤ 40 MB).
const MAX_TOKEN_LENGTH = 4096

/**
 * Remembers tokens that verified, keyed by the whole token (signature
 * included, so a forged token can never hit), until the sooner of its
 * `exp` and one minute. Clients reuse a token for many requests; this makes
 * the repeat cost a map lookup instead of an HMAC or RSA check, and lets the
 * rate limiter key on the principal without verifying twice. Failures are
 * never cached. Bounded: the oldest entry goes first.
 *
 * @example
 * ```ts
 * const verifier = cachingVerifier(createHs256Verifier(key, { clockSkewS: 30 }))
 * ```
 */
export function cachingVerifier(inner: TokenVerifier, now: () => number = Date.now): TokenVerifier {
  const cache = new Map<string, { claims: Claims; until: number }>()
  return {
    async verify(token: string): Promise<Claims> {
      const hit = cache.get(token)
      if (hit && hit.until > now()) return hit.claims
      if (hit) cache.delete(token)
      const claims = await inner.verify(token)
      if (token.length > MAX_TOKEN_LENGTH) return claims
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string)
      cache.set(token, { claims, until: Math.min(now() + MAX_AGE_MS, expiry(claims)) })
      return claims
    },
  }
}

function expiry(claims: Claims): number {
  return typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY
}
