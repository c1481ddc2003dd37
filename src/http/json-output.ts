import { basePath } from '../config/public-url.ts'
import type { FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import { assetsOf, serializeCapturing, type Asset } from '../assets/index.ts'
import type { CompiledAction } from '../core/registry.ts'

/**
 * Serialises a JSON output (through its output schema when it has one),
 * turning each `asset()` in it into `{ href, contentType, size }` with hrefs
 * under `assets_public_base_url` or the request's origin.
 *
 * @example
 * ```ts
 * const [body, assets] = serializeJson(app, request, action, output)
 * await storeAssets(app, assets)
 * ```
 */
export function serializeJson(app: App, request: FastifyRequest, action: CompiledAction, output: unknown): [string, readonly Asset[]] {
  return serializeCapturing(action.output ? action.output.serialize : stringify, output, assetsBase, { app, request })
}

function stringify(value: unknown): string {
  return JSON.stringify(value)
}

function assetsBase({ app, request }: { app: App; request: FastifyRequest }): string {
  return assetsOrigin(app, request)
}

/**
 * Where asset hrefs point: `assets_public_base_url`, else the request's own
 * origin and the app's base path (a mount's prefix).
 *
 * @example
 * ```ts
 * reply.header('location', `${assetsOrigin(app, request)}/assets/${id}`)
 * ```
 */
export function assetsOrigin(app: App, request: FastifyRequest): string {
  return app.settings.assets_public_base_url?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}${basePath(app.settings)}`
}

/**
 * Stores the assets an answer refers to, before it is sent, so every href
 * resolves; kept at least `until` (ms since the epoch) for a stored result.
 */
export async function storeAssets(app: App, assets: readonly Asset[], until?: number): Promise<void> {
  const store = assetsOf(app)
  await Promise.all(assets.map((a) => store.put(a, until)))
}
