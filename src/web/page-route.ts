import { isRedirect } from '../action/redirect.ts'
import type { App } from '../app/app.ts'
import type { Route, RouteRequest, RouteResponse } from '../app/route.ts'
import type { Principal } from '../auth/principal.ts'
import type { Invocation } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { Credentials } from '../core/security.ts'
import { errorPage, htmlResponse, requestView } from './error-page.ts'
import type { PageSpec } from './pages.ts'

/**
 * The routes of one page: `GET {path}` renders the action's output; on an
 * action that takes POST, `POST {path}` reads an HTML form into the input
 * (coerced like a query string) and renders the same way. The action runs
 * through `app.invoke`: the same auth, validation, cache and output check
 * as at `/actions/…`.
 *
 * @example
 * ```ts
 * const routes = pageRoutes(app, page) // [{ method: 'GET', path: '/guestbook', handle }]
 * ```
 */
export function pageRoutes(app: App, page: PageSpec): Route[] {
  return page.methods.map((method) => ({
    method,
    path: page.path,
    ...(method === 'POST' ? { body: 'form' as const } : {}),
    handle: (request: RouteRequest) => servePage(app, page, request),
  }))
}

async function servePage(app: App, page: PageSpec, request: RouteRequest): Promise<RouteResponse> {
  const action = page.action
  let principal: Principal | null = null
  try {
    const raw = action.coerceQuery(rawInput(request))
    // Authenticated here, once, so the template sees the principal the pipeline used.
    principal = await app.security.authenticate(action, request.credentials)
    const output = await app.invoke(action, raw, new PageInvocation(request, principal))
    if (isRedirect(output)) return { status: output.status, headers: { location: output.location } }
    const context = { model: output, input: await validInput(action, raw), auth: principal, request: requestView(request) }
    return htmlResponse(200, page.templates.render(page.template, context))
  } catch (error) {
    return errorPage(app, page, request, error, principal)
  }
}

/** A GET reads the query string, a POST its form; `:name` path segments win over both. */
function rawInput(request: RouteRequest): Record<string, unknown> {
  const fields = request.method === 'POST' ? ((request.body ?? {}) as Record<string, unknown>) : request.query
  return { ...fields, ...request.params }
}

/** The input as the handler saw it (defaults applied, transforms run): the pipeline already accepted it. */
async function validInput(action: CompiledAction, raw: unknown): Promise<unknown> {
  const checked = await action.input.validate(raw)
  return checked.ok ? checked.value : raw
}

/** One page request as the pipeline sees it: the principal is verified already. */
class PageInvocation implements Invocation {
  readonly requestId: string
  readonly trigger = 'http' as const
  readonly credentials: Credentials
  readonly principal: Principal | null
  readonly signal: () => AbortSignal

  constructor(request: RouteRequest, principal: Principal | null) {
    this.requestId = request.requestId
    this.credentials = request.credentials
    this.principal = principal
    // Read lazily: the adapter makes the client signal only when a handler asks.
    this.signal = () => request.signal
  }
}
