import type { App } from '../app/app.ts'
import type { RouteRequest } from '../app/route.ts'
import { ADMIN_SCOPE, type Principal } from '../auth/principal.ts'
import { forbidden, unauthorized } from '../auth/challenge.ts'

/** Options of `requireAdmin`. */
export interface RequireAdminOptions {
  /**
   * Whether dev mode lets anyone through (default true). Routes that deploy
   * code (`/_sys/mounts`) pass false: they are never open.
   */
  readonly openInDevMode?: boolean
}

/**
 * Lets an operator through: anyone in dev mode (unless `openInDevMode` is
 * false); otherwise a verified principal with the `serval:admin` scope. No
 * credentials is a 401 (with a Bearer challenge), a bad token a 401 too, a
 * caller without the scope a 403. Under `auth_mode=none` outside dev mode
 * no token carries the scope: nobody is an admin.
 *
 * @example
 * ```ts
 * handle: async (req) => (await requireAdmin(app, req), { status: 200, body: opsOf(app).config.view() })
 * await requireAdmin(app, req, { openInDevMode: false }) // a principal even in dev mode
 * ```
 */
export async function requireAdmin(app: App, request: RouteRequest, options: RequireAdminOptions = {}): Promise<Principal | null> {
  if (app.settings.dev_mode && options.openInDevMode !== false) return null
  const identify = app.security.identify
  const { groupId: _group, ...credentials } = request.credentials // who the caller is, not a group it acts for
  const principal = identify ? ((await identify.call(app.security, credentials)) ?? null) : null
  if (principal === null) throw unauthorized(`${request.path} needs a token with the ${ADMIN_SCOPE} scope`)
  if (!principal.scopes.includes(ADMIN_SCOPE)) throw forbidden(`${request.path} needs the ${ADMIN_SCOPE} scope`, [ADMIN_SCOPE])
  return principal
}
