import type { Settings } from '../config/definitions.ts'
import { ServalError } from '../errors/index.ts'

/** The request headers a same-origin check reads (lower-case names). */
export interface OriginHeaders {
  readonly origin?: string | undefined
  readonly 'sec-fetch-site'?: string | undefined
}

/**
 * Whether a request proves it comes from a page of this server: its
 * `Origin` is the server's own (`selfOrigin`, as the request addressed
 * it) or a trusted one; without `Origin`, `Sec-Fetch-Site: same-origin`.
 * A request with neither (or `Origin: null`) proves nothing.
 *
 * @example
 * ```ts
 * provesSameOrigin({ origin: 'https://evil.example' }, 'https://app.example', []) // false
 * ```
 */
export function provesSameOrigin(headers: OriginHeaders, selfOrigin: string, trusted: readonly string[]): boolean {
  const origin = headers.origin
  if (origin !== undefined) return origin === selfOrigin || trusted.includes(origin)
  return headers['sec-fetch-site'] === 'same-origin'
}

/**
 * The origins a cookie-authenticated request may come from besides the
 * request's own: `public_base_url`'s (behind a proxy the request may not
 * know it) and `cors_allowed_origins` (the operator let them call with
 * credentials).
 *
 * @example
 * ```ts
 * trustedOrigins({ public_base_url: 'https://app.example/api', cors_allowed_origins: [] }) // ['https://app.example']
 * ```
 */
export function trustedOrigins(settings: Pick<Settings, 'public_base_url' | 'cors_allowed_origins'>): string[] {
  const base = settings.public_base_url ? [new URL(settings.public_base_url).origin] : []
  return [...base, ...settings.cors_allowed_origins]
}

/** True for the methods that change state, on which a session cookie needs a same-origin proof. */
export function isUnsafeMethod(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'
}

/**
 * The 403 of a session-cookie request from another origin.
 *
 * @example
 * ```ts
 * if (credentials.crossSite) throw crossSiteRefused()
 * ```
 */
export function crossSiteRefused(): ServalError {
  return new ServalError('cross-site-request', {
    detail: 'A request authenticated by the session cookie must come from this site (Origin or Sec-Fetch-Site: same-origin; behind a proxy or API Gateway, set public_base_url); send a bearer token, an API key or Basic credentials instead',
  })
}
