import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { basePath } from '../config/public-url.ts'
import type { Settings } from '../config/definitions.ts'

/** The name of the login session cookie of an app served at the root (no `base_path`). */
export const SESSION_COOKIE = 'serval_session'

/**
 * The name and `Path` of an app's session cookie. At the root:
 * `serval_session`, `Path=/`. Under a prefix (a mount, or `base_path`
 * behind a proxy) the cookie is the prefix's own: `Path=/billing`, and a
 * name with the prefix in it (`serval_session_billing`), because the
 * root's `Path=/` cookie is sent under `/billing` too: with one name, a
 * login at one would replace the other's session, and the server could
 * not tell which of two same-named cookies is its own.
 *
 * @example
 * ```ts
 * sessionCookieScope({ base_path: '/billing' }) // { name: 'serval_session_billing', path: '/billing' }
 * ```
 */
export interface SessionCookieScope {
  readonly name: string
  readonly path: string
}

const scopes = new WeakMap<object, SessionCookieScope>()

/**
 * The {@link SessionCookieScope} of an app's settings (computed once per settings object).
 *
 * @example
 * ```ts
 * cookieValue(request.headers.cookie, sessionCookieScope(app.settings).name)
 * ```
 */
export function sessionCookieScope(settings: Pick<Settings, 'base_path'>): SessionCookieScope {
  let scope = scopes.get(settings)
  if (!scope) {
    const base = basePath(settings)
    scopes.set(settings, (scope = { name: `${SESSION_COOKIE}${base.replace(/[^A-Za-z0-9]/g, '_')}`, path: base || '/' }))
  }
  return scope
}

const ROOT: SessionCookieScope = { name: SESSION_COOKIE, path: '/' }

/**
 * Whether the session cookie gets `Secure`: TLS here (`tls_cert`), or at
 * the proxy in front (an https `public_base_url`). One rule for the login,
 * the logout and the renewal of a session.
 *
 * @example
 * ```ts
 * sessionSetCookie(value, maxAgeS, cookieIsSecure(app.settings), sessionCookieScope(app.settings))
 * ```
 */
export function cookieIsSecure(settings: Pick<Settings, 'tls_cert' | 'public_base_url'>): boolean {
  return Boolean(settings.tls_cert) || Boolean(settings.public_base_url?.startsWith('https:'))
}

/**
 * Signs and checks session cookie values: `<id>.<HMAC-SHA256(id)>`, both
 * base64url. The id is 32 random bytes; the signature makes a guessed or
 * edited cookie fail before any store is asked.
 *
 * @example
 * ```ts
 * const signer = new CookieSigner(settings.session_secret)
 * const { id, value } = signer.issue()
 * signer.open(value) // id
 * ```
 */
export class CookieSigner {
  readonly #secret: string

  constructor(secret: string) {
    this.#secret = secret
  }

  /** A new random session id and its signed cookie value. */
  issue(): { id: string; value: string } {
    const id = randomBytes(32).toString('base64url')
    return { id, value: `${id}.${this.#mac(id)}` }
  }

  /** The id of a cookie value whose signature holds; undefined for a tampered, truncated or foreign one. */
  open(value: string): string | undefined {
    const dot = value.indexOf('.')
    if (dot !== 43 || value.length !== 87) return undefined
    const id = value.slice(0, dot)
    const given = Buffer.from(value.slice(dot + 1), 'base64url')
    const expected = Buffer.from(this.#mac(id), 'base64url')
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined
  }

  #mac(id: string): string {
    return createHmac('sha256', this.#secret).update(id).digest('base64url')
  }
}

/**
 * The `Set-Cookie` value of a session cookie: HttpOnly (no script reads
 * it), SameSite=Lax (not sent on cross-site POSTs), the scope's name and
 * Path (`serval_session`, `/` at the root), Secure over TLS, living
 * `maxAgeS` seconds (0 clears it).
 *
 * @example
 * ```ts
 * sessionSetCookie(value, 86_400, true) // 'serval_session=…; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax; Secure'
 * sessionSetCookie(value, 86_400, false, sessionCookieScope({ base_path: '/v2' })) // 'serval_session_v2=…; Max-Age=86400; Path=/v2; …'
 * ```
 */
export function sessionSetCookie(value: string, maxAgeS: number, secure: boolean, scope: SessionCookieScope = ROOT): string {
  return `${scope.name}=${value}; Max-Age=${maxAgeS}; Path=${scope.path}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}

/**
 * The value of one cookie in a `Cookie` header (the first, if repeated).
 *
 * @example
 * ```ts
 * cookieValue('a=1; serval_session=abc.def', 'serval_session') // 'abc.def'
 * ```
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
