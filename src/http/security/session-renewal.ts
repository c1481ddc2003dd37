import type { FastifyInstance } from 'fastify'
import type { App } from '../../app/app.ts'
import { kindsOf } from '../../auth/credential-kinds.ts'
import { cookieIsSecure, cookieValue, sessionCookieScope, sessionSetCookie } from '../../auth/session-cookie.ts'

/**
 * With sessions on, a response to a request whose session the pipeline
 * just extended carries the cookie again with a fresh `Max-Age`, so the
 * browser's copy slides with the server's record (at most once per tenth
 * of `session_ttl_s`; see `Sessions`). No hook without sessions.
 *
 * @example
 * ```ts
 * registerSessionRenewal(server, app) // before the routes
 * ```
 */
export function registerSessionRenewal(server: FastifyInstance, app: App): void {
  const sessions = kindsOf(app.security)?.sessions
  if (!sessions) return
  const secure = cookieIsSecure(app.settings) // as on login
  const scope = sessionCookieScope(app.settings)
  server.addHook('onSend', async (request, reply, payload) => {
    const cookie = cookieValue(request.headers.cookie, scope.name)
    const renewal = cookie === undefined ? undefined : sessions.takeRenewal(cookie)
    // A response that sets the cookie itself (login, logout) has the last word.
    if (renewal && !reply.hasHeader('set-cookie')) reply.header('set-cookie', sessionSetCookie(renewal.value, renewal.maxAgeS, secure, scope))
    return payload
  })
}
