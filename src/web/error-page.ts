import nunjucks from 'nunjucks'
import { problemFor } from '../app/problem.ts'
import type { App } from '../app/app.ts'
import type { RouteRequest, RouteResponse } from '../app/route.ts'
import type { Principal } from '../auth/principal.ts'
import { problemHeaders, type Problem } from '../errors/index.ts'
import { prefersJson, wantsHtml } from './accept.ts'
import { BUILTIN_ERROR_TEMPLATE } from './builtin-error.ts'
import type { PageSpec } from './pages.ts'

const HTML_TYPE = 'text/html; charset=utf-8'
const PROBLEM_TYPE = 'application/problem+json'
// Headers a template may show; never cookies or credentials.
const SHOWN_HEADERS = ['accept', 'accept-language', 'host', 'referer', 'user-agent']
const builtin = new nunjucks.Template(BUILTIN_ERROR_TEMPLATE, new nunjucks.Environment(null, { autoescape: true }), 'serval:error.njk', true)

/**
 * What a page answers for an error: the problem document when the client
 * prefers JSON; for a browser's 401, what an extension's
 * `onUnauthenticatedPage` answers (the login redirect); else
 * `templates/error.njk` (or the built-in page) rendered with `problem`, at
 * the problem's status. The problem is `toProblem`'s, so outside dev mode
 * nothing internal reaches the page.
 *
 * @example
 * ```ts
 * return errorPage(app, page, request, new ServalError('not-found'), null)
 * ```
 */
export async function errorPage(app: App, page: PageSpec, request: RouteRequest, error: unknown, auth: Principal | null): Promise<RouteResponse> {
  const problem = problemFor(app, error, { instance: request.path, requestId: request.requestId })
  const headers = { ...problemHeaders(error) }
  const accept = request.headers.accept
  if (prefersJson(accept)) return { status: problem.status, headers: { ...headers, 'content-type': PROBLEM_TYPE }, body: problem }
  if (problem.status === 401 && wantsHtml(accept)) {
    const answer = await unauthenticated(app, request)
    if (answer) return answer
  }
  const html = renderError(app, page, { problem, auth, request: requestView(request) })
  return htmlResponse(problem.status, html, headers)
}

async function unauthenticated(app: App, request: RouteRequest): Promise<RouteResponse | undefined> {
  for (const ext of app.extensions) {
    const answer = await ext.onUnauthenticatedPage?.(request, app)
    if (answer) return answer
  }
  return undefined
}

function renderError(app: App, page: PageSpec, context: { problem: Problem; auth: Principal | null; request: RequestView }): string {
  if (page.hasErrorTemplate) {
    try {
      return page.templates.render('error.njk', context)
    } catch (error) {
      // A broken error page must not hide the first error: log it, show the built-in one.
      app.logger.error({ reqId: context.request.requestId, err: error }, 'templates/error.njk failed to render')
    }
  }
  return builtin.render(context)
}

/**
 * An HTML answer.
 *
 * @example
 * ```ts
 * return htmlResponse(200, '<p>hi</p>')
 * ```
 */
export function htmlResponse(status: number, html: string, headers: Record<string, string> = {}): RouteResponse {
  return { status, headers: { ...headers, 'content-type': HTML_TYPE }, body: Buffer.from(html, 'utf8') }
}

/** What a template sees of the request: `request` in its context. */
export interface RequestView {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string | string[]>>
  readonly headers: Readonly<Record<string, string>>
  readonly requestId: string
}

/**
 * The request as a template sees it: method, path, query, a few harmless
 * headers and the request id.
 *
 * @example
 * ```ts
 * requestView(request).headers['accept-language'] // 'en'
 * ```
 */
export function requestView(request: RouteRequest): RequestView {
  const headers: Record<string, string> = {}
  for (const name of SHOWN_HEADERS) {
    const value = request.headers[name]
    if (value !== undefined) headers[name] = value
  }
  return { method: request.method, path: request.path, query: request.query, headers, requestId: request.requestId }
}
