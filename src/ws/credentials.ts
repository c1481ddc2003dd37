import type { IncomingMessage } from 'node:http'
import type { FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import type { Credentials } from '../core/security.ts'
import { requestCredentials } from '../http/security/credentials.ts'

/**
 * The credentials of a WebSocket upgrade: as for any request (the
 * `Authorization` header, `X-Group-Id`, the mTLS certificate, `X-API-Key`, the
 * session cookie, refused from another origin), or, since
 * browsers cannot set headers on a WebSocket, a token in `?access_token=`.
 *
 * @example
 * ```ts
 * const credentials = upgradeCredentials(app, request) // { authorization: 'Bearer …' }
 * ```
 */
export function upgradeCredentials(app: App, request: FastifyRequest): Credentials {
  // An upgrade is a GET, but the socket can then do anything: a session cookie on it needs the same-origin proof of a POST
  // (cross-site WebSocket hijacking).
  // A copy: the socket outlives the upgrade request, so its calls never share the request's verification.
  const credentials = { ...requestCredentials(app, request, true) }
  const token = (request.query as Record<string, unknown> | undefined)?.access_token
  if (credentials.authorization !== undefined || typeof token !== 'string' || token === '') return credentials
  return { ...credentials, authorization: `Bearer ${token}` }
}

/**
 * The credentials of an upgrade that never became a Fastify request (the
 * GraphQL socket is upgraded beside Fastify's router): the same headers,
 * `?access_token=` and client certificate as `upgradeCredentials`.
 *
 * @example
 * ```ts
 * server.server.on('upgrade', (req) => rawUpgradeCredentials(app, req))
 * ```
 */
export function rawUpgradeCredentials(app: App, request: IncomingMessage): Credentials {
  const query = Object.fromEntries(new URL(request.url ?? '/', 'http://upgrade').searchParams)
  // The three things upgradeCredentials reads: headers, the query, and the socket (for the certificate).
  return upgradeCredentials(app, { headers: request.headers, query, raw: request } as unknown as FastifyRequest)
}
