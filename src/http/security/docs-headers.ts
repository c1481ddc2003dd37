import type { FastifyInstance } from 'fastify'
import type { App } from '../../app/app.ts'

/**
 * Security headers for the docs pages (@fastify/helmet), registered in the
 * docs' own scope so API routes pay nothing. The CSP is swagger-ui's own
 * (`staticCSP`), so helmet's is off; the opener policy
 * allows popups, or the OAuth2 login popup could not report back.
 *
 * @example
 * ```ts
 * await server.register(async (scope) => { await registerDocsHeaders(scope); await scope.register(swaggerUi) })
 * ```
 */
export async function registerDocsHeaders(scope: FastifyInstance): Promise<void> {
  await scope.register(import('@fastify/helmet'), {
    contentSecurityPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    crossOriginEmbedderPolicy: false,
  })
}

/**
 * Swagger-ui options that make "Authorize" work with the configured auth:
 * the OIDC client id and scopes (PKCE), and a CSP that lets the page reach
 * the issuer under OIDC. `upgrade-insecure-requests` is dropped: the page
 * loads only same-origin resources, and on a plain-HTTP address other than
 * localhost it would make the browser fetch them over HTTPS and fail.
 *
 * @example
 * ```ts
 * await scope.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, ...docsUiAuthOptions(app) })
 * ```
 */
export function docsUiAuthOptions(app: App): Record<string, unknown> {
  const s = app.settings
  const scopes = [...s.oauth2_scopes]
  const oidc = s.auth_mode === 'oidc' && s.oidc_url ? new URL(s.oidc_url).origin : undefined
  const transformStaticCSP = (header: string) => {
    const kept = header.split(';').map((d) => d.trim()).filter((d) => d && d !== 'upgrade-insecure-requests')
    return [...kept, ...(oidc ? [`connect-src 'self' ${oidc}`] : [])].join('; ')
  }
  if (!oidc) return { initOAuth: { scopes }, transformStaticCSP }
  return { initOAuth: { clientId: s.oidc_client_id ?? '', scopes, usePkceWithAuthorizationCodeGrant: true }, transformStaticCSP }
}
