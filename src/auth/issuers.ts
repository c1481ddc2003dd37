/**
 * Names the auth capability needs before (or without) verifying a token,
 * in a module of their own: importing them never loads jose, which only
 * the verifiers of `auth_mode=jwt|oidc` need.
 */

/**
 * The `iss` of the tokens dev mode's debug endpoint issues.
 *
 * @example
 * ```ts
 * new SignJWT(claims).setIssuer(DEV_ISSUER)
 * ```
 */
export const DEV_ISSUER = 'serval-dev'

/**
 * Where an issuer publishes its OpenID Connect discovery document.
 *
 * @example
 * ```ts
 * discoveryUrl('https://login.example.com/') // 'https://login.example.com/.well-known/openid-configuration'
 * ```
 */
export function discoveryUrl(issuerUrl: string): string {
  return `${issuerUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`
}
