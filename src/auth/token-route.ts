import type { App } from '../app/app.ts'
import type { Route, RouteRequest } from '../app/route.ts'
import { ServalError } from '../errors/index.ts'
import { words } from './claims.ts'
import { bodyField } from './body-field.ts'
import { debugIssuerOf, issueToken, passwordMatches, type DebugIssuer } from './debug-issuer.ts'
import { FailureThrottle } from './failure-throttle.ts'

// Five wrong passwords in a row are free; then 5 s, 10 s, 20 s … up to 15 min, per client IP.
const THROTTLE = { free: 5, baseMs: 5_000, maxMs: 15 * 60_000, maxClients: 10_000 }

/**
 * `POST /auth/token` in dev mode with `auth_mode=jwt`: the OAuth2 password
 * grant the docs UI's "Authorize" dialog speaks. Any username, the debug
 * password, the scopes asked for (space-separated, as in a token's `scope`
 * claim) and, for testing group rules, `groups`. Form-encoded only: the
 * adapter parses forms for this route alone, so action routes still answer
 * 415 to form bodies. No route outside dev mode (no debug issuer).
 * Password guessing is throttled per client IP (`trust_proxy` decides what
 * the IP is): after 5 wrong passwords in a row, 429 with `Retry-After` for
 * 5 s, doubling with each further failure up to 15 minutes; a right
 * password resets the count.
 *
 * @example
 * ```sh
 * curl -d 'grant_type=password&username=ada&password=…&scope=read' localhost:8000/auth/token
 * ```
 */
export function tokenRoutes(app: App): Route[] {
  const issuer = debugIssuerOf(app.security)
  if (!issuer) return []
  const throttle = new FailureThrottle(THROTTLE)
  return [{ method: 'POST', path: '/auth/token', body: 'form', handle: (request) => throttled(throttle, request.ip, () => grant(issuer, request)) }]
}

async function grant(issuer: DebugIssuer, request: RouteRequest) {
  const form = (name: string) => bodyField(request.body, name)
  const grantType = form('grant_type')
  if (grantType !== 'password') {
    throw oauthError('unsupported-grant-type', 'unsupported_grant_type', `grant_type must be "password", got ${JSON.stringify(grantType ?? null)}`)
  }
  const username = form('username') ?? ''
  if (username === '' || username.length > 200) throw oauthError('bad-request', 'invalid_request', 'username is required (at most 200 characters)')
  if (!passwordMatches(issuer, form('password') ?? '')) throw oauthError('invalid-grant', 'invalid_grant', 'Wrong username or password')
  const token = await issueToken(issuer, username, words(form('scope')), words(form('groups')))
  return { status: 200, headers: { 'cache-control': 'no-store' }, body: token }
}

/** Refuses a client that must still wait (before the password is even looked at); counts its wrong passwords. */
async function throttled<T>(throttle: FailureThrottle, client: string, attempt: () => Promise<T>): Promise<T> {
  const waitS = Math.ceil(throttle.waitMs(client) / 1000)
  if (waitS > 0) {
    throw new ServalError('too-many-requests', { detail: `Too many wrong passwords; retry in ${waitS} s`, headers: { 'retry-after': String(waitS) } })
  }
  try {
    const result = await attempt()
    throttle.succeed(client)
    return result
  } catch (error) {
    if (error instanceof ServalError && error.code === 'invalid-grant') throttle.fail(client)
    throw error
  }
}

/** A problem document that is also an RFC 6749 §5.2 error response (`error`, `error_description`). */
function oauthError(code: string, error: string, detail: string): ServalError {
  return new ServalError(code, { detail, extensions: { error, error_description: detail } })
}
