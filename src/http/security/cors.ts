import type { FastifyInstance } from 'fastify'
import type { App } from '../../app/app.ts'

/** Headers a browser client may read from a cross-origin response. */
const EXPOSED = ['x-request-id', 'x-functions-version', 'www-authenticate', 'retry-after', 'location', 'etag']

/**
 * CORS for the exact origins of `cors_allowed_origins` (@fastify/cors):
 * allowed origins are echoed with `Vary: Origin`, preflights answered.
 * With an empty list nothing is registered and no route pays for a hook;
 * browsers then refuse cross-origin calls, the safe default.
 *
 * @example
 * ```ts
 * await registerCors(server, app) // before the routes
 * ```
 */
export async function registerCors(server: FastifyInstance, app: App): Promise<void> {
  const origins = app.settings.cors_allowed_origins
  if (origins.length === 0) return
  await server.register(import('@fastify/cors'), {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: EXPOSED,
    maxAge: 600,
  })
}
