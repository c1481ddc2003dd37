import { join, resolve } from 'node:path'
import type { App } from '../app/app.ts'
import type { Extension } from '../app/extension.ts'
import type { RouteRequest, RouteResponse } from '../app/route.ts'
import { ServalError } from '../errors/index.ts'
import { addResultsOpenApi } from './openapi.ts'
import { RedisResultStore } from './redis-store.ts'
import { FileResultStore, type ResultStore } from './store.ts'

const stores = new WeakMap<App, ResultStore>()

/**
 * The stored results of `app` (`store: true` actions, `?store=true` calls).
 *
 * @example
 * ```ts
 * const id = await resultsOf(app).save({ status: 200, contentType, body, owner: null, expiresAt })
 * ```
 */
export function resultsOf(app: App): ResultStore {
  let store = stores.get(app)
  if (!store) stores.set(app, (store = openStore(app)))
  return store
}

function openStore(app: App): ResultStore {
  const { redis_url: url, redis_prefix: prefix } = app.settings
  return url ? new RedisResultStore(url, prefix, app.logger) : new FileResultStore(join(resolve(app.cwd, app.settings.data_dir), 'results'))
}

/** How often expired result files are removed: often enough that a short retention stays short on disk. */
function sweepEveryMs(retentionS: number): number {
  return Math.min(3_600_000, Math.max(1000, retentionS * 500))
}

const sweepers = new WeakMap<App, NodeJS.Timeout>()

/**
 * The results capability: `GET /results/{id}` answers a stored result with
 * its status, content type and body. A result stored by a caller is read
 * by that caller only (by `sub`, like jobs); one stored anonymously by
 * anyone. Another caller's result, like an unknown one, is a 404.
 *
 * @example
 * ```ts
 * const extensions = [resultsExtension()]
 * ```
 */
export function resultsExtension(): Extension {
  return {
    name: 'results',
    routes: (app) => [{ method: 'GET', path: '/results/:id', handle: (request) => readResult(app, request) }],
    openapi: (doc) => addResultsOpenApi(doc),
    serve: (app) => {
      const store = resultsOf(app)
      if (!store.sweep || sweepers.has(app)) return
      const timer = setInterval(() => store.sweep!().catch((err: unknown) => app.logger.warn({ err }, 'result sweep failed')), sweepEveryMs(app.settings.results_retention_s))
      sweepers.set(app, timer.unref())
    },
    stop: async (app) => {
      clearInterval(sweepers.get(app))
      await stores.get(app)?.close?.()
    },
  }
}

async function readResult(app: App, request: RouteRequest): Promise<RouteResponse> {
  const id = request.params.id ?? ''
  const result = await resultsOf(app).get(id)
  const caller = app.security.identify ? await app.security.identify.call(app.security, request.credentials) : null
  if (!result || (result.owner !== null && result.owner !== caller?.sub)) throw new ServalError('not-found', { detail: `No result ${id}` })
  const headers = result.contentType ? { 'content-type': result.contentType } : undefined
  return { status: result.status, ...(headers ? { headers } : {}), body: result.status === 204 ? undefined : new Uint8Array(result.body) }
}
