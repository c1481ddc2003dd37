import type { App } from '../app/app.ts'
import { basePath } from '../config/public-url.ts'
import { kindsOf } from './credential-kinds.ts'

const BASE = 'http://serval.invalid'

/**
 * A `next` target that stays on this site: a path starting with one `/`
 * (never `//host`, `/\\host`, a scheme, or control characters), as the
 * URL parser reads it; anything else is `fallback`. Guards the login
 * redirect against sending a user to another site (open redirect).
 *
 * @example
 * ```ts
 * safeNext('/reports?year=2026') // '/reports?year=2026'
 * safeNext('//evil.example') // '/'
 * ```
 */
export function safeNext(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || /[\\\x00-\x1f\x7f]/.test(next)) return fallback
  try {
    const url = new URL(next, BASE)
    return url.origin === BASE ? `${url.pathname}${url.search}${url.hash}` : fallback
  } catch {
    return fallback
  }
}

/** The parts of a request the login redirect decision reads. */
export interface RedirectRequest {
  readonly method: string
  /** The path and query asked for, as the app sees it (without a mount's prefix), e.g. `/reports?year=2026`. */
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

/**
 * Where to send a browser that asked for something it may not see
 * without logging in: `login_path?next=<path>` (to answer with a 303),
 * both behind the app's prefix (`base_path`: `/billing/login?next=/billing/reports`
 * under a mount, since the browser follows them from the root), or
 * undefined when sessions are off or the client is not a browser asking
 * for a page (a GET or HEAD whose `Accept` prefers `text/html` to JSON):
 * an API client gets the 401 problem instead. Call it when an action or
 * page fails with a 401 for a request with no principal.
 *
 * @example
 * ```ts
 * const location = loginRedirectFor(app, { method: 'GET', url: '/reports', headers: request.headers })
 * if (location) return reply.code(303).header('location', location).send()
 * ```
 */
export function loginRedirectFor(app: App, request: RedirectRequest): string | undefined {
  if (!kindsOf(app.security)?.sessions || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined
  if (!prefersHtml(request.headers.accept)) return undefined
  const [base, loginPath] = [basePath(app.settings), app.settings.login_path]
  const next = safeNext(request.url)
  if (next.split('?')[0] === loginPath) return `${base}${loginPath}`
  return `${base}${loginPath}?next=${encodeURIComponent(`${base}${next}`)}`
}

/** Whether an `Accept` header names `text/html` and no JSON type ahead of it (browsers send `text/html,…,*\/*`). */
function prefersHtml(accept: string | string[] | undefined): boolean {
  const text = (Array.isArray(accept) ? accept.join(',') : (accept ?? '')).toLowerCase()
  const html = text.indexOf('text/html')
  if (html < 0) return false
  const json = text.search(/application\/(?:[\w.+-]*\+)?json/)
  return json < 0 || html < json
}
