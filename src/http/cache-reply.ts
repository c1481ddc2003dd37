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
 * `Cache-Control: <scope>, max-age=<the entry's lifetime>`, `Age` (seconds
 * since it was stored), a strong `ETag` (quoted base64url SHA-256 of the
 * body) and `X-Cache`; a matching
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
  // An entry answered before was rendered then: no promise, no serialising, no hashing.
  const memo = info.entry === undefined ? undefined : rendered.get(info.entry)
  if (memo !== undefined && memo.action === action) return sendRendered(request, reply, info, memo)
  return render(app, request, action, output, info.entry).then((fresh) => sendRendered(request, reply, info, fresh))
}

/** A cached answer as sent: its body and ETag, and its last `Cache-Control` and `Age` texts (`Age` changes once a second at most). */
interface Rendered {
  readonly action: CompiledAction
  readonly body: string
  readonly etag: string
  control: string
  controlFor: number
  age: string
  ageFor: number
}

function sendRendered(request: FastifyRequest, reply: FastifyReply, info: CacheInfo, r: Rendered): FastifyReply {
  // max-age is the entry's whole lifetime, not what remains of it: a downstream cache adds Age to the
  // response's age itself (RFC 9111 §4.2.3), so `max-age=<remaining>` beside `Age` would count the age
  // twice, and past half its ttl an entry would already look stale to every browser and CDN.
  const lifetime = info.ageS + info.remainingS
  if (r.controlFor !== lifetime) {
    r.control = `${info.scope}, max-age=${lifetime}`
    r.controlFor = lifetime
  }
  if (r.ageFor !== info.ageS) {
    r.age = String(info.ageS)
    r.ageFor = info.ageS
  }
  reply.header('cache-control', r.control).header('etag', r.etag).header('age', r.age)
  if (ifNoneMatch(request.headers['if-none-match'], r.etag)) return reply.code(304).send()
  return reply.header('content-type', JSON_TYPE).send(r.body)
}

/**
 * What was sent of each stored entry, by the entry (see `CacheInfo.entry`):
 * a HIT from memory hands back the very same entry, whose answer then costs
 * no serialisation and no hashing, whatever its output (a number too). An
 * output with assets is rendered each time (its hrefs follow the request's
 * origin); a Redis HIT is a new entry, rendered anew.
 */
const rendered = new WeakMap<object, Rendered>()

async function render(app: App, request: FastifyRequest, action: CompiledAction, output: unknown, entry: object | undefined): Promise<Rendered> {
  const [body, assets] = serializeJson(app, request, action, output)
  await storeAssets(app, assets)
  const answer: Rendered = { action, body, etag: `"${sha256(body, 'base64url')}"`, control: '', controlFor: -1, age: '', ageFor: -1 }
  if (assets.length === 0 && entry !== undefined) rendered.set(entry, answer)
  return answer
}
