import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CacheInfo } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { App } from '../app/app.ts'
import { ifNoneMatch } from '../cache/etag.ts'
import { sha256 } from '../cache/hash.ts'
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
export function sendCached(app: App, request: FastifyRequest, reply: FastifyReply, action: CompiledAction, output: unknown, info: CacheInfo): FastifyReply | Promise<FastifyReply> {
  reply.header('x-cache', info.hit ? 'HIT' : 'MISS')
  if (output === undefined) return sendOutput(app, reply, action, output)
  // A HIT from memory was rendered when it was first sent: no promise, no serialising, no hashing.
  const memo = info.hit ? rendered(action, output) : undefined
  if (memo !== undefined) return sendRendered(request, reply, info, memo)
  return render(app, request, action, output).then((fresh) => sendRendered(request, reply, info, fresh))
}

function sendRendered(request: FastifyRequest, reply: FastifyReply, info: CacheInfo, { body, etag }: { body: string; etag: string }): FastifyReply {
  reply.header('cache-control', `${info.scope}, max-age=${info.remainingS}`).header('etag', etag).header('age', String(info.ageS))
  if (ifNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send()
  return reply.header('content-type', JSON_TYPE).send(body)
}

/**
 * Bodies and ETags of cached outputs already sent: a HIT from the in-memory
 * cache hands back the very same output object, which then costs no
 * serialisation and no hashing. Only a HIT reads it (a handler may return
 * one object again, changed, on a later MISS, which renders it anew); an
 * output with assets is rendered each time (its hrefs follow the request's
 * origin); a Redis HIT is a new object.
 */
const sent = new WeakMap<object, { action: CompiledAction; body: string; etag: string }>()

function rendered(action: CompiledAction, output: unknown): { body: string; etag: string } | undefined {
  const memo = output !== null && typeof output === 'object' ? sent.get(output) : undefined
  return memo?.action === action ? memo : undefined
}

async function render(app: App, request: FastifyRequest, action: CompiledAction, output: unknown): Promise<{ body: string; etag: string }> {
  const [body, assets] = serializeJson(app, request, action, output)
  await storeAssets(app, assets)
  const answer = { body, etag: `"${sha256(body, 'base64url')}"` }
  if (assets.length === 0 && output !== null && typeof output === 'object') sent.set(output, { action, ...answer })
  return answer
}
