import type { FastifyInstance } from 'fastify'
import type { App } from '../../app/app.ts'
import { registerCors } from './cors.ts'
import { registerRateLimit } from './rate-limit.ts'
import { registerSessionRenewal } from './session-renewal.ts'

export { clientErrorHandler } from './client-error.ts'
export { peerCertificate } from './certificate.ts'
export { requestCredentials, hasCredential } from './credentials.ts'
export { tlsOptions } from './tls.ts'
export { registerDocsHeaders } from './docs-headers.ts'
export { rateLimitOf, addRateLimitToOpenApi, type RateLimit } from './rate-limit.ts'

/**
 * The HTTP-level protections that must exist before any route is added:
 * CORS (only when configured), the session cookie's renewal (only with
 * sessions) and rate limiting (a step on action routes that is one
 * function call while no limit applies: the app default can be turned on
 * at runtime, `PATCH /_sys/config`).
 *
 * @example
 * ```ts
 * await registerHttpSecurity(server, app) // before registerActionRoutes
 * ```
 */
export async function registerHttpSecurity(server: FastifyInstance, app: App): Promise<void> {
  await registerCors(server, app)
  await registerRateLimit(server, app)
  registerSessionRenewal(server, app)
}
