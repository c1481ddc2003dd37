import type { App } from '../app/app.ts'
import { basePath } from '../config/public-url.ts'
import type { Extension } from '../app/extension.ts'
import type { RouteRequest, RouteResponse } from '../app/route.ts'
import { loginRedirectFor } from './login-redirect.ts'
import { declaresAccess } from './access.ts'
import { createSecurity } from './create.ts'
import { kindsOf } from './credential-kinds.ts'
import { debugIssuerOf } from './debug-issuer.ts'
import { sessionRoutes } from './session-routes.ts'
import { addAuthToOpenApi } from './openapi.ts'
import { tokenRoutes } from './token-route.ts'

/**
 * The auth capability's extension: the app's security (chosen by
 * `auth_mode`, with API keys, Basic users and sessions when configured;
 * see `createSecurity`), the dev-mode token endpoint, the login routes, the
 * security schemes, requirements and 401/403 responses in OpenAPI, and
 * the auth mode in `/_sys/info`. Verification itself is the app's
 * `security`, in the core pipeline, shared by every transport.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions, settings, extensions: [authExtension()] })
 * ```
 */
export function authExtension(): Extension {
  return {
    name: 'auth',
    security: (context) => createSecurity(context),
    routes: (app) => [...tokenRoutes(app), ...sessionRoutes(app)],
    serve: (app) => warnUnenforced(app),
    onUnauthenticatedPage: (request, app) => loginRedirect(app, request),
    stop: (app) => kindsOf(app.security)?.sessions?.close(),
    openapi: (doc, app) => addAuthToOpenApi(doc, app),
    info: (app) => ({
      auth: {
        mode: app.settings.auth_mode,
        mtls: Boolean(app.settings.tls_client_ca),
        ...(debugIssuerOf(app.security) ? { tokenEndpoint: `${basePath(app.settings)}/auth/token` } : {}),
        ...credentialInfo(app),
      },
    }),
  }
}

/**
 * With `auth_mode=none`, says at server start which actions declare access
 * rules that are not enforced. Only when serving: one-shot commands
 * (`serval run`, `test`) are trusted callers, for whom rules never apply.
 */
function warnUnenforced(app: App): void {
  if (app.settings.auth_mode !== 'none' || kindsOf(app.security)) return
  const names = app.registry.list().filter((a) => declaresAccess(a.def)).map((a) => a.name)
  if (names.length === 0) return
  app.logger.warn({ actions: names }, `auth_mode=none: the access rules of ${names.length} action(s) are NOT enforced; set auth_mode=jwt or oidc`)
}

/** Which credential kinds besides tokens the server reads, for `/_sys/info`. */
function credentialInfo(app: App): Record<string, unknown> {
  const kinds = kindsOf(app.security)
  if (!kinds) return {}
  return { apiKeys: Boolean(kinds.apiKeys), basic: Boolean(kinds.basic), sessions: kinds.sessions ? { loginPath: `${basePath(app.settings)}${app.settings.login_path}` } : false } // the paths a client calls: under a mount, with its prefix
}

/** A browser asking for a page it may not see without signing in goes to the login page, and comes back after. */
function loginRedirect(app: App, request: RouteRequest): RouteResponse | undefined {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(request.query)) for (const v of [value].flat()) query.append(key, v)
  const search = query.size > 0 ? `?${query}` : ''
  const location = loginRedirectFor(app, { method: request.method, url: `${request.path}${search}`, headers: request.headers })
  return location ? { status: 303, headers: { location } } : undefined
}
