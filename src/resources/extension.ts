import type { App, Extension } from '../app/types.ts'
import type { Resource } from './define.ts'
import type { ResourceSource } from './discover.ts'
import { ResourceSet } from './set.ts'

const sets = new WeakMap<App, ResourceSet>()

/**
 * The resources capability: installs `ctx.resources[name]` when the app
 * starts, begins opening when a server starts serving (the server already
 * listens; `/_sys/ready` is 503 until all are open), closes them last on
 * shutdown. `loadApp` adds it for the resources found in the function
 * dirs; with `createApp`, pass it yourself.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions, extensions: [resourcesExtension([pg])] })
 * await openResources(app)
 * ```
 */
export function resourcesExtension(resources: readonly (Resource | ResourceSource)[]): Extension {
  const sources = resources.map((r) => ('resource' in r ? r : { resource: r }))
  return {
    name: 'resources',
    start(app) {
      const set = new ResourceSet(app, sources)
      set.install(app.resources)
      sets.set(app, set)
    },
    serve(app) {
      // Not awaited: the server listens meanwhile. The serve command awaits openResources and exits 1 on a failure.
      openResources(app).catch(() => undefined)
    },
    health(app) {
      const reason = sets.get(app)?.notReady()
      return reason === undefined ? { ok: true } : { ok: false, reason }
    },
    info: (app) => ({ resources: sets.get(app)?.states() ?? [] }),
    stop: (app) => sets.get(app)?.close(),
  }
}

/**
 * Opens the app's resources (once; every call gets the same promise) and
 * resolves when all are open, or rejects with a `resource-failed` error
 * naming the first that failed. Resolves at once for an app without them.
 * One-shot commands (`serval run`, `serval test`) call it before invoking.
 *
 * @example
 * ```ts
 * await openResources(app) // then app.call('now') can read ctx.resources.pg
 * ```
 */
export function openResources(app: App): Promise<void> {
  return sets.get(app)?.open() ?? Promise.resolve()
}
