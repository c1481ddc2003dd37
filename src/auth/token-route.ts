import type { FastifyInstance } from 'fastify'
import type { App } from '../app/app.ts'
import { ServalError } from '../errors/index.ts'
import { sendProblem } from '../http/problem-reply.ts'
import { debugIssuerOf, issueToken, passwordMatches, type DebugIssuer } from './debug-issuer.ts'

const FORM = 'application/x-www-form-urlencoded'

/**
 * `POST /auth/token` in dev mode with `auth_mode=jwt`: the OAuth2 password
 * grant the docs UI's "Authorize" dialog speaks. Any username, the debug
 * password, the scopes asked for (and, for testing group rules, `groups`).
 * Form-encoded only; the parser lives in this route's own scope, so action
 * routes still answer 415 to form bodies.
 *
 * @example
 * ```sh
 * curl -d 'grant_type=password&username=ada&password=…&scope=read' localhost:8000/auth/token
 * ```
 */
export async function registerTokenRoute(server: FastifyInstance, app: App): Promise<void> {
  const issuer = debugIssuerOf(app.security)
  if (!issuer) return
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_req, body: string, done) => done(null, new URLSearchParams(body)))
    scope.post('/auth/token', async (request, reply) => {
      try {
        const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams()
        return reply.header('cache-control', 'no-store').send(await grant(issuer, form))
      } catch (error) {
        return sendProblem(app, request, reply, error)
      }
    })
  })
}

async function grant(issuer: DebugIssuer, form: URLSearchParams) {
  const grantType = form.get('grant_type')
  if (grantType !== 'password') {
    throw oauthError('unsupported-grant-type', 'unsupported_grant_type', `grant_type must be "password", got ${JSON.stringify(grantType)}`)
  }
  const username = form.get('username') ?? ''
  if (username === '' || username.length > 200) throw oauthError('bad-request', 'invalid_request', 'username is required (at most 200 characters)')
  if (!passwordMatches(issuer, form.get('password') ?? '')) throw oauthError('invalid-grant', 'invalid_grant', 'Wrong username or password')
  return issueToken(issuer, username, words(form.get('scope')), words(form.get('groups')))
}

/** A problem document that is also an RFC 6749 §5.2 error response (`error`, `error_description`). */
function oauthError(code: string, error: string, detail: string): ServalError {
  return new ServalError(code, { detail, extensions: { error, error_description: detail } })
}

function words(value: string | null): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean)
}
