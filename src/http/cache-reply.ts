import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CacheInfo } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
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
 * return sendCached(request, reply, action, output, inv.cache)
 * ```
 */
export function sendCached(request: FastifyRequest, reply: FastifyReply, action: CompiledAction, output: unknown, info: CacheInfo): FastifyReply | Promise<FastifyReply> {
  reply.header('x-cache', info.hit ? 'HIT' : 'MISS')
  if (output === undefined) return sendOutput(reply, action, output)
  const body = action.output ? action.output.serialize(output) : JSON.stringify(output)
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`
  reply.header('cache-control', `${info.scope}, max-age=${info.remainingS}`).header('etag', etag).header('age', String(info.ageS))
  if (ifNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send()
  return reply.header('content-type', JSON_TYPE).send(body)
}

/**
 * Whether an `If-None-Match` value matches `etag` (RFC 9110 §13.1.2): `*`,
 * or any listed tag equal under weak comparison (a `W/` prefix is ignored).
 *
 * @example
 * ```ts
 * ifNoneMatch('"x", W/"abc"', '"abc"') // true
 * ```
 */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  for (const raw of header.split(',')) {
    const tag = raw.trim()
    if (tag === '*') return true
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true
  }
  return false
}
