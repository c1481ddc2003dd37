import type { FastifyRequest } from 'fastify'
import type { App } from '../../app/app.ts'
import type { Principal } from '../../auth/principal.ts'
import type { Credentials } from '../../core/security.ts'
import { peerCertificate } from './certificate.ts'

/**
 * What an HTTP request hands the pipeline's auth step: the `Authorization`
 * and `X-Group-Id` headers and, under mTLS, the verified client
 * certificate. Every HTTP route that invokes actions (actions, jobs)
 * builds its credentials here, so they authenticate alike.
 *
 * @example
 * ```ts
 * app.invoke(action, input, { requestId, trigger: 'http', credentials: requestCredentials(app, request) })
 * ```
 */
export function requestCredentials(app: App, request: FastifyRequest): Credentials {
  const { authorization, 'x-group-id': groupId } = request.headers
  const credentials = { authorization, groupId: typeof groupId === 'string' ? groupId : undefined }
  return app.settings.tls_client_ca ? { ...credentials, certificate: peerCertificate(request) } : credentials
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
  if (!identify || (request.headers.authorization === undefined && !app.settings.tls_client_ca)) return null
  const { groupId: _group, ...credentials } = requestCredentials(app, request)
  return (await identify.call(app.security, credentials)) ?? null
}
