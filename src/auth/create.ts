import type { Logger } from 'pino'
import type { Settings } from '../config/definitions.ts'
import { SettingsError } from '../config/parse.ts'
import { openSecurity, type Security } from '../core/security.ts'
import { BearerSecurity } from './bearer-security.ts'
import { credentialKinds } from './credential-kinds.ts'
import { CredentialSecurity } from './credential-security.ts'
import { principalFromCertificate } from './claims.ts'
import type { GroupPolicy } from './groups.ts'
import { debugIssuerOf, registerDebugIssuer } from './debug-issuer.ts'
import { debugPassword, jwtSecret } from './secrets.ts'
import { cachingVerifier } from './token-cache.ts'

/** What `createSecurity` reads. */
export interface SecurityOptions {
  readonly settings: Settings
  readonly logger: Logger
  /** The clock of sessions and the password cache (tests move it). */
  readonly now?: () => number
}

/**
 * The pipeline's auth step chosen by `auth_mode`: `none` (anonymous, or
 * the client certificate's subject under mTLS), `jwt` (HS256 with
 * `jwt_secret`, `jwt_issuer`, `jwt_audience`) or `oidc` (the issuer's JWKS);
 * with `api_keys_file`, `basic_users_file` or `session_secret`, a
 * `CredentialSecurity` over it that also reads those kinds. Bad auth
 * settings and credential files fail here, at startup, naming the variable
 * (and the file and entry).
 *
 * @example
 * ```ts
 * const app = await createApp({ actions, settings, security: await createSecurity({ settings, logger }) })
 * ```
 */
export async function createSecurity(options: SecurityOptions): Promise<Security> {
  const { settings: s } = options
  const groups = { allowed: new Set(s.allowed_groups), defaultGroupId: s.default_group_id }
  const tokens = await tokenSecurity(options, groups)
  const kinds = await credentialKinds(options)
  if (!kinds) return tokens
  const fallback = s.tls_client_ca ? certificateSecurity : undefined
  const security = new CredentialSecurity(kinds, { groups, tokens: s.auth_mode === 'none' ? undefined : tokens, fallback })
  // The dev token endpoint and its OpenAPI scheme look the issuer up on the app's security: this one now.
  const issuer = debugIssuerOf(tokens)
  if (issuer) registerDebugIssuer(security, issuer)
  return security
}

/** The security of `auth_mode` alone: tokens, or none (the certificate under mTLS). */
async function tokenSecurity(options: SecurityOptions, groups: GroupPolicy): Promise<Security> {
  const { settings: s, logger } = options
  if (s.auth_mode === 'none') return s.tls_client_ca ? certificateSecurity : openSecurity
  // The verifiers (and jose) load only when auth is on: startup without auth pays nothing.
  if (s.auth_mode === 'jwt') return jwtSecurity(s, logger, groups)
  if (!s.oidc_url) throw new SettingsError('SERVAL_OIDC_URL', 'is required when auth_mode=oidc')
  if (!s.oidc_audience) logger.warn('auth_mode=oidc without oidc_audience: tokens the issuer made for any audience are accepted')
  const { createOidcVerifier } = await import('./verify-oidc.ts')
  const verifier = createOidcVerifier({
    url: s.oidc_url,
    audience: s.oidc_audience,
    clockSkewS: s.auth_clock_skew_s,
    jwksCooldownMs: s.oidc_jwks_cooldown_s * 1000,
  })
  return new BearerSecurity(cachingVerifier(verifier), groups)
}

/** HS256 with `jwt_secret`; in dev mode also the token endpoint, which signs with a key of its own. */
async function jwtSecurity(s: Settings, logger: Logger, groups: GroupPolicy): Promise<Security> {
  const { createHs256Verifier, devTokenKey, hs256Key } = await import('./verify-hs256.ts')
  const secret = jwtSecret(s, logger)
  const devKey = s.dev_mode ? await devTokenKey(secret) : undefined
  const options = { clockSkewS: s.auth_clock_skew_s, issuer: s.jwt_issuer, audience: s.jwt_audience, devKey }
  const security = new BearerSecurity(cachingVerifier(createHs256Verifier(await hs256Key(secret), options)), groups)
  if (devKey) registerDebugIssuer(security, { key: devKey, password: debugPassword(s, logger), audience: s.jwt_audience })
  return security
}

/**
 * mTLS without tokens: the TLS layer already refused clients without a
 * CA-signed certificate, so the certificate is the identity (sub = CN).
 * Access rules stay unenforced, as with any `auth_mode=none`.
 */
const certificateSecurity: Security = {
  open: true,
  identify: (credentials) => (credentials?.certificate ? principalFromCertificate(credentials.certificate) : null),
  authenticate: (_action, credentials) => (credentials?.certificate ? principalFromCertificate(credentials.certificate) : null),
  authorize: () => undefined,
}
