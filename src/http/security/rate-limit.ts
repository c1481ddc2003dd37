import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Redis as RedisClient } from 'ioredis'
import type { App } from '../../app/app.ts'
import type { Settings } from '../../config/definitions.ts'
import type { CompiledAction } from '../../core/registry.ts'
import { ServalError } from '../../errors/index.ts'
import { problemResponse } from '../../openapi/schemas.ts'
import { opsOf } from '../../ops/state.ts'
import { requestCaller } from './credentials.ts'

/** A rate limit: at most `max` requests per `windowMs`, per caller. */
export interface RateLimit {
  readonly max: number
  readonly windowMs: number
}

/**
 * The limit of an action: its own `rateLimit`, `false` for none, else the
 * app default (`rate_limit_max` per `rate_limit_window_s`; 0 = off).
 *
 * @example
 * ```ts
 * rateLimitOf(action, settings) // { max: 100, windowMs: 60000 } or undefined
 * ```
 */
export function rateLimitOf(action: CompiledAction, settings: Settings, appDefault?: RateLimit): RateLimit | undefined {
  const own = action.def.rateLimit
  if (own === false) return undefined
  if (own) return own
  if (appDefault) return appDefault
  return settings.rate_limit_max > 0 ? { max: settings.rate_limit_max, windowMs: settings.rate_limit_window_s * 1000 } : undefined
}

/**
 * Rate limiting with @fastify/rate-limit on the routes of actions
 * (`/actions/{name}` and the jobs submission `/jobs/{name}`), keyed by the
 * verified principal (`sub`) or else the client IP, per action. An
 * action's own `rateLimit` is fixed; the others follow the app default,
 * read live from the runtime config (`PATCH /_sys/config` `rate_limit`,
 * else `rate_limit_max`/`rate_limit_window_s`), so it can be turned on,
 * changed or off without a restart. While no limit applies, a route's
 * step is one function call (no key, no store). With `redis_url`,
 * counters live in Redis, shared by every instance; a Redis outage lets
 * requests through (fail open) rather than failing them.
 *
 * @example
 * ```ts
 * await registerRateLimit(server, app) // before the routes: it attaches as they are added
 * ```
 */
export async function registerRateLimit(server: FastifyInstance, app: App): Promise<void> {
  const config = opsOf(app).config
  const limitOf = (action: CompiledAction): RateLimit | undefined => {
    const own = action.def.rateLimit
    return own === false ? undefined : (own ?? config.rateLimit)
  }
  const redis = app.settings.redis_url ? await redisClient(app, server) : undefined
  await server.register(import('@fastify/rate-limit'), { global: false, skipOnError: true, nameSpace: `${app.settings.redis_prefix}:rate-limit:`, ...(redis ? { redis } : {}) })
  const byPath = new Map(app.registry.list().map((a) => [`/actions/${a.path}`, a]))
  server.addHook('onRoute', (route) => {
    const action = byPath.get(route.url ?? '')
    if (action && action.def.rateLimit !== false) addStep(route, limitStep(server, app, () => limitOf(action), () => action.name))
    else if (route.url === '/jobs/:ref' && route.method === 'POST') addStep(route, jobsStep(server, app, limitOf))
  })
}

type Step = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void

function addStep(route: { onRequest?: unknown }, step: Step): void {
  const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]
  route.onRequest = [...own, step]
}

/**
 * One route's limit step: counts the caller's request against the limit
 * the route has now, sets the `X-RateLimit-*` headers, and past the limit
 * answers 429 + `Retry-After`.
 */
function limitStep(server: FastifyInstance, app: App, limitOf: (request: FastifyRequest) => RateLimit | undefined, bucket: (request: FastifyRequest) => string): Step {
  const check = server.createRateLimit({
    max: (request) => limitOf(request)?.max ?? 0,
    timeWindow: (request) => limitOf(request)?.windowMs ?? 60_000,
    keyGenerator: async (request) => `${await callerKey(app, request)}|${bucket(request)}`,
  })
  return (request, reply, done) => {
    if (limitOf(request) === undefined) return done()
    check(request).then(
      (result) => {
        if (result.isAllowed) return done()
        reply.header('x-ratelimit-limit', result.max).header('x-ratelimit-remaining', result.remaining).header('x-ratelimit-reset', result.ttlInSeconds)
        if (!result.isExceeded) return done()
        done(tooMany(result.max, result.ttlInSeconds))
      },
      () => done(), // the store failed: fail open
    )
  }
}

/**
 * One route submits jobs for every action (`POST /jobs/:ref`): the limit
 * is the named action's, counted per caller and action, apart from its
 * direct calls. Actions without a limit pass untouched.
 */
function jobsStep(server: FastifyInstance, app: App, limitOf: (action: CompiledAction) => RateLimit | undefined): Step {
  const actionOf = (request: FastifyRequest) => app.registry.get((request.params as { ref?: string }).ref ?? '')
  const limit = (request: FastifyRequest) => {
    const action = actionOf(request)
    return action ? limitOf(action) : undefined
  }
  return limitStep(server, app, limit, (request) => `jobs:${actionOf(request)?.name}`)
}

function tooMany(max: number, retryS: number): ServalError {
  const after = Math.max(1, retryS)
  return new ServalError('too-many-requests', { detail: `At most ${max} requests per window; retry in ${after} s`, headers: { 'retry-after': String(after) } })
}

/** The verified principal's `sub` when the request carries valid credentials, else the client IP. */
async function callerKey(app: App, request: FastifyRequest): Promise<string> {
  // A bad token is refused by the pipeline right after; count it against the IP.
  const principal = await requestCaller(app, request).catch(() => null)
  return principal ? `sub:${principal.sub}` : `ip:${request.ip}`
}

async function redisClient(app: App, server: FastifyInstance): Promise<RedisClient> {
  const { Redis } = await import('ioredis')
  // Lazy: a limit may only be turned on at runtime; until then no connection is opened.
  const redis = new Redis(app.settings.redis_url!, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 1_000 })
  redis.on('error', (error: Error) => app.logger.debug({ err: error }, 'rate limit: redis error'))
  server.addHook('onClose', async () => void (redis.status === 'wait' ? redis.disconnect() : await redis.quit().catch(() => redis.disconnect())))
  return redis
}

/**
 * Documents the 429 (with `Retry-After`) on the operations of limited actions.
 *
 * @example
 * ```ts
 * addRateLimitToOpenApi(doc, app)
 * ```
 */
export function addRateLimitToOpenApi(doc: Record<string, any>, app: App): void {
  const live = opsOf(app).config.rateLimit
  const limited = app.registry.list().filter((a) => a.def.rateLimit !== false && (a.def.rateLimit ?? live) !== undefined)
  if (limited.length === 0) return
  const headers = { 'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer' } } }
  doc.components.responses.Error429 = problemResponse('Rate limited: too many requests from this caller', headers)
  for (const action of limited) {
    for (const path of [`/actions/${action.path}`, `/jobs/${action.path}`]) {
      for (const op of Object.values(doc.paths?.[path] ?? {}) as Record<string, any>[]) {
        if (op && typeof op === 'object' && op.responses) op.responses['429'] = { $ref: '#/components/responses/Error429' }
      }
    }
  }
}
