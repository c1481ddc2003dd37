import type { FastifyInstance } from 'fastify'
import type { App } from '../../app/app.ts'
import { registerCors } from './cors.ts'
import { registerRateLimit } from './rate-limit.ts'

export { clientErrorHandler } from './client-error.ts'
export { peerCertificate } from './certificate.ts'
export { requestCredentials } from './credentials.ts'
export { tlsOptions } from './tls.ts'
export { registerDocsHeaders } from './docs-headers.ts'
export { rateLimitOf, addRateLimitToOpenApi, type RateLimit } from './rate-limit.ts'

/**
 * The HTTP-level protections that must exist before any route is added:
 * CORS and rate limiting (each only when configured, so an app without
 * them has no extra hook on its hot path).
 *
 * @example
 * ```ts
 * await registerHttpSecurity(server, app) // before registerActionRoutes
 * ```
 */
export async function registerHttpSecurity(server: FastifyInstance, app: App): Promise<void> {
  await registerCors(server, app)
  await registerRateLimit(server, app)
}
