import type { App } from '../app/app.ts'
import type { Extension, Route, RouteRequest } from '../app/extension.ts'
import { SettingsError } from '../config/parse.ts'
import { basePath } from '../config/public-url.ts'
import { ServalError } from '../errors/index.ts'
import { requireAdmin } from '../ops/admin.ts'
import { mountsOf, type MountManager } from './manager.ts'
import { addMountsOpenApi } from './openapi.ts'

/**
 * The mounts admin API (`admin_api=true`): `GET /_sys/mounts`,
 * `GET /_sys/mounts/:name`, `POST /_sys/mounts` (201 + `Location`) and
 * `DELETE /_sys/mounts/:name` (204), for principals with the
 * `serval:admin` scope: deploying code is never open, not even in dev mode.
 * Without `admin_api` the routes do not exist (404).
 *
 * @example
 * ```ts
 * const app = await loadApp({ settings, extensions: [mountsAdminExtension()] })
 * ```
 */
export function mountsAdminExtension(): Extension {
  return {
    name: 'mounts-admin',
    start(app) {
      if (!app.security.identify) {
        throw new SettingsError('SERVAL_ADMIN_API', 'is true, but auth_mode is none: nobody could present the serval:admin scope (set auth_mode jwt or oidc)')
      }
    },
    routes: (app) => adminRoutes(app),
    openapi: (doc, app) => addMountsOpenApi(doc, app),
    info: (app) => ({ mounts: mountsOf(app)?.list() ?? [] }),
  }
}

function adminRoutes(app: App): Route[] {
  const guarded = (handle: (manager: MountManager, req: RouteRequest) => Promise<{ status: number; headers?: Record<string, string>; body?: unknown }>) => async (req: RouteRequest) => {
    await requireAdmin(app, req, { openInDevMode: false })
    const manager = mountsOf(app)
    if (!manager) throw new ServalError('unavailable', { detail: 'This app is not served by a host with mounts', publicDetail: true })
    return handle(manager, req)
  }
  return [
    { method: 'GET', path: '/_sys/mounts', handle: guarded(async (m) => ({ status: 200, body: { mounts: m.list() } })) },
    { method: 'POST', path: '/_sys/mounts', handle: guarded(async (m, req) => created(app, await m.deploy(req.body))) },
    { method: 'GET', path: '/_sys/mounts/:name', handle: guarded(async (m, req) => ({ status: 200, body: m.get(req.params.name as string) ?? notFound(req.params.name as string) })) },
    {
      method: 'DELETE',
      path: '/_sys/mounts/:name',
      handle: guarded(async (m, req) => {
        await m.undeploy(req.params.name as string)
        return { status: 204 }
      }),
    },
  ]
}

function created(app: App, view: { name: string }) {
  return { status: 201, headers: { location: `${basePath(app.settings)}/_sys/mounts/${encodeURIComponent(view.name)}` }, body: view }
}

function notFound(name: string): never {
  throw new ServalError('not-found', { detail: `No mount named "${name}"` })
}
