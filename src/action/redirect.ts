const REDIRECT_BRAND = Symbol.for('serval.redirect')

/** The statuses a redirect may carry. */
export type RedirectStatus = 301 | 302 | 303 | 307 | 308

/**
 * What `redirect()` returns. A page answers it with the status and a
 * `Location` header; every other transport sends it as the JSON value
 * `{ location, status }` (the brand is a symbol, so it never serialises).
 *
 * @example
 * ```ts
 * const r: Redirect = redirect('/guestbook', 303)
 * r.location // '/guestbook'
 * ```
 */
export interface Redirect {
  readonly [REDIRECT_BRAND]: true
  readonly location: string
  readonly status: RedirectStatus
}

const STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

/**
 * Tells a page to redirect: return it from a handler. 307 (the default)
 * keeps the method; after a form post, use 303 so the browser follows
 * with a GET (post/redirect/get).
 *
 * @example
 * ```ts
 * export const sign = action({ http: 'POST', page: { path: '/guestbook' } }, async (input) => {
 *   await save(input)
 *   return redirect('/guestbook', 303)
 * })
 * ```
 */
export function redirect(location: string, status: RedirectStatus = 307): Redirect {
  if (typeof location !== 'string' || location === '') throw new TypeError('redirect(location, status): location must be a non-empty string')
  // A header value: CR/LF would split the response, other controls are refused by Node anyway.
  if (/[\u0000-\u001f\u007f]/.test(location)) throw new TypeError('redirect(location, status): location must not hold control characters')
  if (!STATUSES.has(status)) throw new TypeError(`redirect(location, status): status must be 301, 302, 303, 307 or 308, got ${String(status)}`)
  return Object.freeze({ [REDIRECT_BRAND]: true as const, location, status })
}

/**
 * True for a value made by `redirect()` (in any copy of Serval).
 *
 * @example
 * ```ts
 * if (isRedirect(output)) reply.redirect(output.location, output.status)
 * ```
 */
export function isRedirect(value: unknown): value is Redirect {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REDIRECT_BRAND] === true
}
