import type { FastifyRequest } from 'fastify'
import type { App } from '../../app/app.ts'
import type { Principal } from '../../auth/principal.ts'
import type { Credentials } from '../../core/security.ts'
import { cookieValue, sessionCookieScope } from '../../auth/session-cookie.ts'
import { isUnsafeMethod, provesSameOrigin, trustedOrigins } from '../../auth/csrf.ts'
import { forOneRequest } from '../../auth/request-memo.ts'
import { peerCertificate } from './certificate.ts'

/**
 * What an HTTP request hands the pipeline's auth step: the `Authorization`
 * and `X-Group-Id` headers, under mTLS the verified client certificate,
 * and, when configured, `X-API-Key`, the session cookie with whether a
 * state-changing request (`stateChanging`: by default its method is not
 * GET/HEAD/OPTIONS) came from another origin, and the client IP. Every HTTP route that invokes actions (actions, jobs)
 * builds its credentials here, so they authenticate alike. The object is
 * the request's own (`forOneRequest`): its token is verified once, however
 * many actions the request invokes.
 *
 * @example
 * ```ts
 * app.invoke(action, input, { requestId, trigger: 'http', credentials: requestCredentials(app, request) })
 * ```
 */
export function requestCredentials(app: App, request: FastifyRequest, stateChanging = isUnsafeMethod(request.method)): Credentials {
  const { authorization, 'x-group-id': groupId } = request.headers
  const s = app.settings
  const credentials: { -readonly [K in keyof Credentials]: Credentials[K] } = { authorization, groupId: typeof groupId === 'string' ? groupId : undefined }
  if (s.tls_client_ca) credentials.certificate = peerCertificate(request)
  // The other kinds cost nothing unless configured: most apps read only the Authorization header.
  if (s.api_keys_file) credentials.apiKey = single(request.headers['x-api-key'])
  if (s.basic_users_file) credentials.client = request.ip
  if (s.session_secret) {
    credentials.session = cookieValue(request.headers.cookie, sessionCookieScope(s).name)
    credentials.crossSite = stateChanging && !provesSameOrigin(request.headers, `${request.protocol}://${request.host}`, trustedOf(s))
  }
  // Only a request with a token has something to verify once: the others pay nothing for the memo.
  return authorization === undefined ? credentials : forOneRequest(credentials)
}

const trusted = new WeakMap<App['settings'], string[]>()

function trustedOf(settings: App['settings']): string[] {
  let origins = trusted.get(settings)
  if (!origins) trusted.set(settings, (origins = trustedOrigins(settings)))
  return origins
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * Who sent the request, whatever the route: the verified principal of its
 * token (or client certificate), without acting for any `X-Group-Id`; null
 * when it sent none. A bad credential throws (a 401), as in the pipeline.
 *
 * @example
 * ```ts
 * const principal = await requestCaller(app, request) // for per-caller limits or admin views
 * ```
 */
export async function requestCaller(app: App, request: FastifyRequest): Promise<Principal | null> {
  const identify = app.security.identify
  if (!identify) return null
  const { groupId: _group, ...credentials } = requestCredentials(app, request)
  if (!hasCredential(credentials) && !app.settings.tls_client_ca) return null
  return (await identify.call(app.security, credentials)) ?? null
}

/**
 * True when credentials carry something to verify (a token or Basic
 * header, an API key, a session cookie); the certificate aside.
 *
 * @example
 * ```ts
 * if (hasCredential(credentials)) principal = await app.security.identify?.(credentials)
 * ```
 */
export function hasCredential(credentials: Credentials): boolean {
  return credentials.authorization !== undefined || credentials.apiKey !== undefined || credentials.session !== undefined
}
