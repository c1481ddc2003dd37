import type { Extension } from '../app/extension.ts'
import { addOpsOpenApi } from './openapi.ts'
import { adminRoutes } from './routes.ts'
import { opsOf } from './state.ts'

/**
 * The operations capability: loads the runtime config kept in `data_dir`
 * before anything serves (so a disabled action is off from the first
 * request), and adds the admin views `/_sys/requests` and `/_sys/config`.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions, extensions: [opsExtension()] })
 * ```
 */
export function opsExtension(): Extension {
  return {
    name: 'ops',
    start: (app) => opsOf(app).config.load(),
    routes: (app) => adminRoutes(app),
    openapi: (doc, app) => addOpsOpenApi(doc, app),
    info: (app) => {
      const { inFlight, config } = opsOf(app)
      return { ops: { inFlight: inFlight.size, maxConcurrency: inFlight.limit, runtimeConfig: config.file, overrides: config.overrides } }
    },
  }
}
