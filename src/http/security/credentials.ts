import type { FastifyRequest } from 'fastify'
import type { App } from '../../app/app.ts'
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
