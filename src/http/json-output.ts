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

/** Where asset hrefs point: `assets_public_base_url`, else the request's own origin. */
function assetsBase({ app, request }: { app: App; request: FastifyRequest }): string {
  return app.settings.assets_public_base_url?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}${basePath(app.settings)}`
}

/** Stores the assets an answer refers to, before it is sent, so every href resolves. */
export async function storeAssets(app: App, assets: readonly Asset[]): Promise<void> {
  const store = assetsOf(app)
  await Promise.all(assets.map((a) => store.put(a)))
}
