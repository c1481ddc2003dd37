import type { App } from '../app/app.ts'
import type { Route, RouteRequest, RouteResponse } from '../app/route.ts'
import { ServalError } from '../errors/index.ts'
import type { BasicUsers } from './basic-users.ts'
import { kindsOf } from './credential-kinds.ts'
import { bodyField } from './body-field.ts'
import { crossSiteRefused } from './csrf.ts'
import { loginPage } from './login-page.ts'
import { safeNext } from './login-redirect.ts'
import { basePath } from '../config/public-url.ts'
import { cookieIsSecure, cookieValue, sessionCookieScope, sessionSetCookie, type SessionCookieScope } from './session-cookie.ts'
import type { Sessions } from './sessions.ts'

interface Login {
  readonly app: App
  readonly users: BasicUsers
  readonly sessions: Sessions
  /** Cookies get `Secure`: TLS here (`tls_cert`) or at the proxy (`public_base_url` is https). */
  readonly secure: boolean
  /** The cookie's name and Path: the app's prefix's own under a mount. */
  readonly cookie: SessionCookieScope
  /** The prefix clients reach the app under (`''` at the root): the paths sent to a browser carry it. */
  readonly base: string
}

/**
 * With sessions on (`session_secret`): `POST /auth/login` (a form or JSON
 * `{ username, password, next? }` checked against `basic_users_file`),
 * `POST /auth/logout`, and the built-in login form at `login_path` unless
 * a page of the project has that path. A login from another origin is
 * refused like any cross-site cookie request (login CSRF).
 *
 * @example
 * ```sh
 * curl -i -d username=ada -d password=… -d next=/reports localhost:8000/auth/login
 * ```
 */
export function sessionRoutes(app: App): Route[] {
  const kinds = kindsOf(app.security)
  if (!kinds?.sessions || !kinds.basic) return []
  const s = app.settings
  const login: Login = { app, users: kinds.basic, sessions: kinds.sessions, secure: cookieIsSecure(s), cookie: sessionCookieScope(s), base: basePath(s) }
  const routes: Route[] = [
    { method: 'POST', path: '/auth/login', body: 'json-or-form', handle: (request) => logIn(login, request) },
    { method: 'POST', path: '/auth/logout', body: 'json-or-form', handle: (request) => logOut(login, request) },
  ]
  if (!hasLoginPage(app)) routes.push({ method: 'GET', path: s.login_path, handle: (request) => showLoginPage(login, request) })
  return routes
}

async function logIn(login: Login, request: RouteRequest): Promise<RouteResponse> {
  refuseCrossSite(request)
  const isForm = isFormRequest(request)
  const next = safeNext(bodyField(request.body, 'next'), `${login.base}/`)
  const username = bodyField(request.body, 'username') ?? ''
  const password = bodyField(request.body, 'password') ?? ''
  try {
    if (username === '' || password === '' || username.length > 200 || password.length > 1024) {
      throw new ServalError('bad-request', { detail: 'username and password are required (at most 200 and 1024 characters)' })
    }
    await login.users.login(username, password, request.ip)
  } catch (error) {
    // No Basic challenge on a login: a browser would answer a script's failed login with its own password dialog.
    if (!isForm) throw error instanceof ServalError && error.code === 'unauthorized' ? new ServalError('unauthorized', { detail: error.detail }) : error
    return seeOther(`${login.base}${login.app.settings.login_path}?error=${formError(error)}&next=${encodeURIComponent(next)}`)
  }
  const old = cookieValue(request.headers.cookie, login.cookie.name)
  if (old !== undefined) await login.sessions.end(old)
  const cookie = await login.sessions.start(username)
  const setCookie = sessionSetCookie(cookie.value, cookie.maxAgeS, login.secure, login.cookie)
  if (isForm) return seeOther(next, setCookie)
  return { status: 200, headers: { 'set-cookie': setCookie, 'cache-control': 'no-store' }, body: { sub: username, expiresIn: cookie.maxAgeS, next } }
}

async function logOut(login: Login, request: RouteRequest): Promise<RouteResponse> {
  refuseCrossSite(request)
  if (request.credentials.session !== undefined) await login.sessions.end(request.credentials.session)
  const clear = sessionSetCookie('', 0, login.secure, login.cookie)
  if (isFormRequest(request) || (request.headers.accept ?? '').includes('text/html')) return seeOther(`${login.base}${login.app.settings.login_path}`, clear)
  return { status: 204, headers: { 'set-cookie': clear, 'cache-control': 'no-store' } }
}

function showLoginPage(login: Login, request: RouteRequest): RouteResponse {
  const error = typeof request.query.error === 'string' ? request.query.error : undefined
  const html = loginPage({ next: safeNext(request.query.next, `${login.base}/`), error, action: `${login.base}/auth/login` })
  const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'" }
  return { status: 200, headers, body: new TextEncoder().encode(html) }
}

/** True when a page of the project (the web capability's `page` on a GET action) already answers at `login_path`. */
function hasLoginPage(app: App): boolean {
  return app.registry.list().some((action) => {
    const page = (action.def as { page?: { path?: string } }).page
    return page !== undefined && (page.path ?? `/${action.path}`) === app.settings.login_path
  })
}

/**
 * Login and logout from another site's page are refused (login CSRF, forced
 * logout). Unlike a cookie-authenticated action, a request with neither
 * `Origin` nor `Sec-Fetch-Site` passes: browsers send one on every POST, so
 * it is a script (curl), which no other site can aim.
 */
function refuseCrossSite(request: RouteRequest): void {
  const fromBrowser = request.headers.origin !== undefined || request.headers['sec-fetch-site'] !== undefined
  if (request.credentials.crossSite && fromBrowser) throw crossSiteRefused()
}

function seeOther(location: string, setCookie?: string): RouteResponse {
  return { status: 303, headers: { location, 'cache-control': 'no-store', ...(setCookie ? { 'set-cookie': setCookie } : {}) } }
}

function formError(error: unknown): string {
  const code = error instanceof ServalError ? error.code : ''
  return code === 'too-many-requests' ? 'throttled' : code === 'bad-request' ? 'invalid' : 'credentials'
}

function isFormRequest(request: RouteRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
}
