import type { FastifyInstance } from 'fastify'

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
