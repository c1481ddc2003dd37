import { basePath } from '../config/public-url.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { readBinaryOutput } from '../action/file.ts'
import type { App } from '../app/app.ts'
import type { Credentials } from '../core/security.ts'
import type { CompiledAction } from '../core/registry.ts'
import { asset } from '../assets/index.ts'
import { ServalError } from '../errors/index.ts'
import { resultsOf } from '../results/index.ts'
import { assetsOrigin, serializeJson, storeAssets } from './json-output.ts'

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Whether a call that says `?store=` wants its result stored (`true` or
 * `false`; anything else is a 422). The parameter is removed from the
 * query, so it never reaches the input.
 *
 * @example
 * ```ts
 * const store = 'store' in query ? wantsStore(query) : action.def.store === true
 * ```
 */
export function wantsStore(query: Record<string, unknown>): boolean {
  const value = query.store
  delete query.store
  if (value === 'true') return true
  if (value === 'false') return false
  throw new ServalError('invalid-input', { detail: 'store: must be true or false', errors: [{ path: '/store', message: 'must be true or false' }] })
}

/**
 * Stores the answer (status, content type, body bytes) for `GET
 * /results/{id}`, owned by the caller, and sends it with a `Location`.
 *
 * @example
 * ```ts
 * return sendStored(app, request, reply, action, output, credentials)
 * ```
 */
export async function sendStored(app: App, request: FastifyRequest, reply: FastifyReply, action: CompiledAction, output: unknown, credentials: Credentials): Promise<FastifyReply> {
  // The assets a stored result refers to (or is) last at least as long as the result.
  const expiresAt = Date.now() + app.settings.results_retention_s * 1000
  const answer = await render(app, request, action, output, expiresAt)
  if (answer.contentType !== JSON_TYPE && answer.status === 200) return sendAsAsset(app, request, reply, answer, expiresAt)
  const caller = app.security.identify ? await app.security.identify.call(app.security, credentials) : null
  const id = await resultsOf(app).save({ ...answer, owner: caller?.sub ?? null, expiresAt })
  const base = app.settings.results_public_base_url?.replace(/\/+$/, '') ?? `${(app.settings.public_base_url ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '')}${basePath(app.settings)}`
  reply.code(answer.status).header('location', `${base}/results/${id}`)
  if (answer.contentType) reply.header('content-type', answer.contentType)
  return reply.send(answer.status === 204 ? undefined : answer.body)
}

/**
 * A binary answer is kept the way `asset()` bytes are: content-addressed
 * under `/assets/{multihash}` (immutable, ranges, one copy however often it
 * is stored), kept at least as long as a stored result would be.
 */
async function sendAsAsset(app: App, request: FastifyRequest, reply: FastifyReply, answer: { contentType: string | undefined; body: Buffer }, until: number): Promise<FastifyReply> {
  const stored = asset(answer.body, answer.contentType ?? 'application/octet-stream')
  await storeAssets(app, [stored], until)
  const base = assetsOrigin(app, request)
  return reply.code(200).header('location', `${base}/assets/${stored.id}`).header('content-type', stored.contentType).send(answer.body)
}

async function render(app: App, request: FastifyRequest, action: CompiledAction, output: unknown, until: number): Promise<{ status: number; contentType: string | undefined; body: Buffer }> {
  if (output === undefined) return { status: 204, contentType: undefined, body: Buffer.alloc(0) }
  const bytes = (body: Uint8Array, contentType: string) => ({ status: 200, contentType, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) })
  const binary = await readBinaryOutput(output)
  if (binary) return bytes(binary.body, binary.contentType)
  const [json, assets] = serializeJson(app, request, action, output)
  await storeAssets(app, assets, until)
  return { status: 200, contentType: JSON_TYPE, body: Buffer.from(json) }
}
