import type { App } from '../app/app.ts'
import type { DocsUiOptions } from './docs-ui.ts'

type Json = Record<string, any>

/**
 * Sets up the docs page's "Authorize" dialog for every security scheme the
 * document declares, whichever capability added it. swagger-ui itself asks
 * for a bearer token, a basic username and password or an API key; what
 * it needs from the server is for OAuth2 and OpenID Connect: the client id
 * and scopes (PKCE for the code flow), and a Content-Security-Policy that
 * lets the page reach each issuer or token endpoint on another origin.
 * `upgrade-insecure-requests` is dropped: the page loads only same-origin
 * resources, and on a plain-HTTP address other than localhost it would
 * make the browser fetch them over HTTPS and fail.
 *
 * @example
 * ```ts
 * registerDocsUi(scope, app, () => docsAuthOptions(app, buildOpenApi(app)))
 * ```
 */
export function docsAuthOptions(app: App, doc: Json): DocsUiOptions {
  const schemes = Object.values((doc.components?.securitySchemes ?? {}) as Record<string, Json>)
  const origins = [...new Set(schemes.flatMap(endpointsOf).flatMap((url) => originOf(url) ?? []))]
  const transformStaticCSP = (header: string) => {
    const kept = header.split(';').map((d) => d.trim()).filter((d) => d && d !== 'upgrade-insecure-requests')
    return [...kept, ...(origins.length ? [`connect-src 'self' ${origins.join(' ')}`] : [])].join('; ')
  }
  return { initOAuth: initOAuth(app, schemes), transformStaticCSP }
}

/** The URLs the page itself fetches for a scheme: OIDC discovery, OAuth2 token and refresh endpoints. */
function endpointsOf(scheme: Json): string[] {
  if (scheme.type === 'openIdConnect') return [scheme.openIdConnectUrl]
  if (scheme.type !== 'oauth2') return []
  return Object.values((scheme.flows ?? {}) as Record<string, Json>).flatMap((flow) => [flow.tokenUrl, flow.refreshUrl, flow.authorizationUrl])
}

/** The origin of an absolute URL; a relative one (`/auth/token`) is the page's own. */
function originOf(url: unknown): string | undefined {
  return typeof url === 'string' && URL.canParse(url) ? new URL(url).origin : undefined
}

function initOAuth(app: App, schemes: Json[]): Record<string, unknown> {
  const s = app.settings
  const codeFlow = schemes.some((x) => x.type === 'openIdConnect' || (x.type === 'oauth2' && x.flows?.authorizationCode))
  return {
    scopes: [...s.oauth2_scopes],
    ...(s.oidc_client_id ? { clientId: s.oidc_client_id } : codeFlow ? { clientId: '' } : {}),
    ...(codeFlow ? { usePkceWithAuthorizationCodeGrant: true } : {}),
  }
}
