import type { App } from '../app/app.ts'
import type { Extension } from '../app/extension.ts'
import type { Route } from '../app/route.ts'
import { pageRoutes } from './page-route.ts'
import { collectPages, type PageSpec } from './pages.ts'
import { staticRoute } from './static/route.ts'
import { staticRoots } from './static/roots.ts'
import { TemplateSets } from './templates.ts'

interface WebState {
  readonly pages: readonly PageSpec[]
  readonly staticRoots: readonly string[]
}

const states = new WeakMap<App, WebState>()

/**
 * The web capability: HTML pages over actions (`page` on an action) and
 * the `static/` folders at `/static/`, both as transport-free routes. Pages
 * and static folders are checked once at startup (`start`): a bad page or
 * two static files on one URL stop the app, naming the files. Pages are
 * not operations, so they stay out of OpenAPI.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions, extensions: [webExtension()] })
 * ```
 */
export function webExtension(): Extension {
  return {
    name: 'web',
    start(app) {
      states.set(app, { pages: collectPages(app, new TemplateSets({ dev: app.settings.dev_mode })), staticRoots: staticRoots(app) })
    },
    routes(app) {
      const state = states.get(app)
      if (!state) return []
      const routes: Route[] = state.pages.flatMap((page) => pageRoutes(app, page))
      if (state.staticRoots.length > 0) routes.push(staticRoute(state.staticRoots))
      return routes
    },
    info(app) {
      const state = states.get(app)
      return { web: { pages: state?.pages.map((p) => ({ action: p.action.name, path: p.path, methods: p.methods })) ?? [], staticFolders: state?.staticRoots.length ?? 0 } }
    },
  }
}
