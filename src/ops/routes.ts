import type { App } from '../app/app.ts'
import type { Route, RouteRequest } from '../app/route.ts'
import { ServalError } from '../errors/index.ts'
import { requireAdmin } from './admin.ts'
import type { InFlightEntry } from './in-flight.ts'
import { opsOf } from './state.ts'

/**
 * One row of `GET /_sys/requests`.
 *
 * @example
 * ```ts
 * const row: InFlightView = { id: 'r1', action: 'add', method: 'POST', path: '/actions/add', sub: 'ada', startedAt: '2026-12-01T13:00:00.000Z', ageMs: 12 }
 * ```
 */
export interface InFlightView {
  id: string
  action: string | null
  method: string
  path: string
  sub: string | null
  startedAt: string
  ageMs: number
}

/**
 * The admin views as transport-free routes: `GET /_sys/requests` and
 * `GET`/`PATCH /_sys/config`. Each needs `serval:admin` outside dev mode.
 *
 * @example
 * ```ts
 * const routes = adminRoutes(app) // mounted by every adapter, like any extension's routes
 * ```
 */
export function adminRoutes(app: App): Route[] {
  return [
    { method: 'GET', path: '/_sys/requests', handle: async (req) => (await requireAdmin(app, req), { status: 200, body: await requestsView(app) }) },
    { method: 'GET', path: '/_sys/config', handle: async (req) => (await requireAdmin(app, req), { status: 200, body: opsOf(app).config.view() }) },
    { method: 'PATCH', path: '/_sys/config', handle: (req) => patchConfig(app, req) },
  ]
}

async function patchConfig(app: App, req: RouteRequest) {
  await requireAdmin(app, req)
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/merge-patch+json' && type !== 'application/json') {
    throw new ServalError('unsupported-media-type', { detail: 'PATCH /_sys/config takes application/merge-patch+json (or application/json)' })
  }
  return { status: 200, body: await opsOf(app).config.patch(req.body) }
}

/** The requests in flight, oldest first, each with its caller's `sub` when it sent credentials. */
async function requestsView(app: App): Promise<{ count: number; requests: InFlightView[] }> {
  const now = Date.now()
  const requests = await Promise.all(opsOf(app).inFlight.entries().map((entry) => viewOf(app, entry, now)))
  return { count: requests.length, requests }
}

async function viewOf(app: App, entry: InFlightEntry, now: number): Promise<InFlightView> {
  return {
    id: entry.id,
    action: entry.action,
    method: entry.method,
    path: entry.path,
    sub: await subOf(app, entry),
    startedAt: new Date(entry.startedAt).toISOString(),
    // A start derived from a reply's elapsed time can round a millisecond past `now`: never a negative age.
    ageMs: Math.max(0, now - entry.startedAt),
  }
}

/** The caller, verified again from its credentials (cached tokens make this cheap); null when none or bad. */
async function subOf(app: App, entry: InFlightEntry): Promise<string | null> {
  const identify = app.security.identify
  const credentials = entry.credentials
  if (!identify || !credentials || (credentials.authorization === undefined && !credentials.certificate)) return null
  const { groupId: _group, ...who } = credentials
  const principal = await Promise.resolve(identify.call(app.security, who)).catch(() => null)
  return principal?.sub ?? null
}
