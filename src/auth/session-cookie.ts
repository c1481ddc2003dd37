import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** The name of the login session cookie. */
export const SESSION_COOKIE = 'serval_session'

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
 * it), SameSite=Lax (not sent on cross-site POSTs), Path=/, Secure over
 * TLS, living `maxAgeS` seconds (0 clears it).
 *
 * @example
 * ```ts
 * sessionSetCookie(value, 86_400, true) // 'serval_session=…; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax; Secure'
 * ```
 */
export function sessionSetCookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Max-Age=${maxAgeS}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
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
