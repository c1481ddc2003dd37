import { join, resolve } from 'node:path'
import type { App } from '../app/app.ts'
import type { Extension } from '../app/extension.ts'
import type { RouteRequest, RouteResponse } from '../app/route.ts'
import { ifNoneMatch } from '../cache/etag.ts'
import { ServalError } from '../errors/index.ts'
import { byteRange } from './range.ts'
import { addAssetsOpenApi } from './openapi.ts'
import { RedisAssetStore } from './redis-store.ts'
import { FileAssetStore, type AssetStore } from './store.ts'

const stores = new WeakMap<App, AssetStore>()
const IMMUTABLE = 'public, max-age=31536000, immutable'

/**
 * The assets of `app`: in `data_dir/assets`, or in Redis with `redis_url`
 * (shared by every instance).
 *
 * @example
 * ```ts
 * await assetsOf(app).put(asset(bytes, 'image/png'))
 * ```
 */
export function assetsOf(app: App): AssetStore {
  let store = stores.get(app)
  if (!store) stores.set(app, (store = openStore(app)))
  return store
}

function openStore(app: App): AssetStore {
  const { redis_url: url, redis_prefix: prefix, assets_retention_s: retentionS } = app.settings
  return url ? new RedisAssetStore(url, prefix, retentionS, app.logger) : new FileAssetStore(join(resolve(app.cwd, app.settings.data_dir), 'assets'), retentionS)
}

/** How often expired assets are removed: a tenth of the retention, between a second and an hour. */
function sweepEveryMs(retentionS: number): number {
  return Math.min(3_600_000, Math.max(1000, retentionS * 100))
}

const sweepers = new WeakMap<App, NodeJS.Timeout>()

/**
 * The assets capability: `GET /assets/{id}` serves stored bytes with their
 * content type, an ETag (the id: the bytes never change), an immutable
 * Cache-Control and single byte ranges (206, 416). A serving app sweeps
 * expired assets (`assets_retention_s`) from `data_dir/assets`; Redis
 * expires its keys itself.
 *
 * @example
 * ```ts
 * const extensions = [assetsExtension()]
 * ```
 */
export function assetsExtension(): Extension {
  return {
    name: 'assets',
    routes: (app) => [{ method: 'GET', path: '/assets/:id', handle: (request) => serveAsset(app, request) }],
    openapi: (doc) => addAssetsOpenApi(doc),
    serve: (app) => {
      const [retentionS, store] = [app.settings.assets_retention_s, assetsOf(app)]
      if (retentionS === 0 || !store.sweep || sweepers.has(app)) return
      const sweep = () => store.sweep!().catch((err: unknown) => app.logger.warn({ err }, 'asset sweep failed'))
      sweepers.set(app, setInterval(sweep, sweepEveryMs(retentionS)).unref())
    },
    stop: async (app) => {
      clearInterval(sweepers.get(app))
      sweepers.delete(app)
      await stores.get(app)?.close?.()
      stores.delete(app)
    },
  }
}

async function serveAsset(app: App, request: RouteRequest): Promise<RouteResponse> {
  const id = request.params.id ?? ''
  const found = await assetsOf(app).get(id)
  if (!found) throw new ServalError('not-found', { detail: `No asset ${id}` })
  const etag = `"${id}"`
  const headers = { etag, 'cache-control': IMMUTABLE, 'accept-ranges': 'bytes' }
  if (ifNoneMatch(request.headers['if-none-match'], etag)) return { status: 304, headers }
  const size = found.bytes.byteLength
  const range = byteRange(request.headers.range, size)
  if (!range) return { status: 200, headers: { ...headers, 'content-type': found.contentType }, body: new Uint8Array(found.bytes) }
  const [start, end] = range
  return { status: 206, headers: { ...headers, 'content-type': found.contentType, 'content-range': `bytes ${start}-${end}/${size}` }, body: found.bytes.subarray(start, end + 1) }
}
