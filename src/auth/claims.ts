import type { Principal } from './principal.ts'

/**
 * Builds the principal from a verified token's claims. Scopes come from the
 * OAuth2 `scope` claim (space-separated) and the `scp`/`scopes` arrays
 * (Azure AD and Okta spell it differently); groups from `groups`.
 *
 * @example
 * ```ts
 * principalFromClaims({ sub: 'ada', scope: 'read write', groups: ['admins'] }).scopes // ['read', 'write']
 * ```
 */
export function principalFromClaims(claims: Readonly<Record<string, unknown>>): Principal {
  const scopes = new Set([...words(claims.scope), ...words(claims.scp), ...words(claims.scopes)])
  return {
    sub: typeof claims.sub === 'string' ? claims.sub : '',
    scopes: [...scopes],
    groups: words(claims.groups),
    claims,
  }
}

/**
 * The principal of a client that presented a CA-signed TLS certificate and
 * no token (mTLS without `auth_mode`): `sub` is the subject's CN, or
 * `cert:<SHA-256 fingerprint>` for a certificate without one.
 *
 * @example
 * ```ts
 * principalFromCertificate({ subject: { CN: 'billing-service', O: 'Acme' } }).sub // 'billing-service'
 * ```
 */
export function principalFromCertificate(certificate: NonNullable<Principal['certificate']>): Principal {
  return {
    // Without a CN the fingerprint names it: an empty sub would share limits and jobs with every other such client.
    sub: certificate.subject.CN || `cert:${certificate.fingerprint256 ?? ''}`,
    scopes: [],
    groups: [],
    claims: { ...certificate.subject },
    certificate,
  }
}

/**
 * A scope or group list as a list of strings: a space-separated string
 * (RFC 6749 §3.3, for the `scope` claim and the token endpoint's `scope`
 * field alike) or an array of strings.
 *
 * @example
 * ```ts
 * words('read write') // ['read', 'write']
 * words(['admins']) // ['admins']
 * ```
 */
export function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean)
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return []
}
