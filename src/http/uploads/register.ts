import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify'
import type { App } from '../../app/app.ts'
import type { CompiledAction } from '../../core/registry.ts'
import { ServalError } from '../../errors/index.ts'
import { binaryFields } from '../../schema/index.ts'
import { MultipartBody, readMultipart } from './read.ts'

/** A request's temporary directory older than this was left by a process that died mid-request. */
const STALE_MS = 3_600_000

interface UploadConfig {
  readonly uploads?: ReadonlySet<string>
}

/**
 * Teaches the server `multipart/form-data`: the routes of actions whose
 * input has file properties read it (see {@link uploadRouteOptions}); every
 * other route answers it with a 415, so a form never reaches an endpoint
 * that would see an empty body. Leftovers of a crashed process are removed.
 *
 * @example
 * ```ts
 * registerMultipart(server, app)
 * ```
 */
export function registerMultipart(server: FastifyInstance, app: App): void {
  const dir = uploadsDir(app)
  let ready = false
  server.addContentTypeParser('multipart/form-data', async (request: FastifyRequest) => {
    const files = (request.routeOptions.config as UploadConfig | undefined)?.uploads
    if (!files) throw new ServalError('unsupported-media-type', { detail: 'This endpoint takes no multipart/form-data: send application/json' })
    if (!ready) ready = prepare(dir)
    return readMultipart(request.raw, request.headers, { dir, limit: app.settings.upload_limit, files })
  })
}

/**
 * The route options of an action route that takes uploads: which names may
 * carry files, and the hooks that remove the files once it has answered.
 * Undefined for the (many) actions without file properties: their routes
 * get no hook at all.
 *
 * @example
 * ```ts
 * server.route({ method: 'POST', url, handler, ...uploadRouteOptions(action) })
 * ```
 */
export function uploadRouteOptions(action: CompiledAction): RouteShorthandOptions | undefined {
  const files = binaryFields(action.input.jsonSchema)
  if (files.size === 0) return undefined
  const dispose = async (request: FastifyRequest) => {
    if (request.body instanceof MultipartBody) await request.body.dispose()
  }
  return { config: { uploads: files } as RouteShorthandOptions['config'], onResponse: dispose, onRequestAbort: dispose }
}

/** The input a multipart request carries, before its text parts are coerced. */
export function multipartFields(body: unknown): Record<string, unknown> | undefined {
  return body instanceof MultipartBody ? body.fields : undefined
}

function uploadsDir(app: App): string {
  return join(resolve(app.cwd, app.settings.data_dir), 'uploads')
}

function prepare(dir: string): true {
  mkdirSync(dir, { recursive: true })
  const now = Date.now()
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (now - statSync(path, { throwIfNoEntry: false })!.mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true })
  }
  return true
}
