import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CacheInfo } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { App } from '../app/app.ts'
import { ifNoneMatch } from '../cache/etag.ts'
import { serializeJson, storeAssets } from './json-output.ts'
import { sendOutput } from './send-output.ts'

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Sends a cached action's JSON output with its HTTP caching headers:
 * `Cache-Control: <scope>, max-age=<remaining>`, a strong `ETag` (quoted
 * base64url SHA-256 of the body), `Age` and `X-Cache`; a matching
 * `If-None-Match` gets a 304 with no body. Nothing (204) goes out as usual.
 *
 * @example
 * ```ts
 * return sendCached(app, request, reply, action, output, inv.cache)
 * ```
 */
export async function sendCached(app: App, request: FastifyRequest, reply: FastifyReply, action: CompiledAction, output: unknown, info: CacheInfo): Promise<FastifyReply> {
  reply.header('x-cache', info.hit ? 'HIT' : 'MISS')
  if (output === undefined) return sendOutput(app, reply, action, output)
  const [body, assets] = serializeJson(app, request, action, output)
  await storeAssets(app, assets)
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`
  reply.header('cache-control', `${info.scope}, max-age=${info.remainingS}`).header('etag', etag).header('age', String(info.ageS))
  if (ifNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send()
  return reply.header('content-type', JSON_TYPE).send(body)
}
