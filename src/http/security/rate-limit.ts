import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Redis as RedisClient } from 'ioredis'
import type { App } from '../../app/app.ts'
import type { Settings } from '../../config/definitions.ts'
import type { CompiledAction } from '../../core/registry.ts'
import { ServalError } from '../../errors/index.ts'
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
export function rateLimitOf(action: CompiledAction, settings: Settings): RateLimit | undefined {
  const own = action.def.rateLimit
  if (own === false) return undefined
  if (own) return own
  return settings.rate_limit_max > 0 ? { max: settings.rate_limit_max, windowMs: settings.rate_limit_window_s * 1000 } : undefined
}

/**
 * Rate limiting with @fastify/rate-limit on the routes of limited actions
 * (`/actions/{name}` and the jobs submission `/jobs/{name}`), keyed by the
 * verified principal (`sub`) or else the client IP. Registered only when
 * some action is limited: otherwise no route pays for a hook. With
 * `redis_url`, counters live in Redis, shared by every instance; a Redis
 * outage lets requests through (fail open) rather than failing them.
 *
 * @example
 * ```ts
 * await registerRateLimit(server, app) // before the routes: it attaches as they are added
 * ```
 */
export async function registerRateLimit(server: FastifyInstance, app: App): Promise<void> {
  const limits = new Map<string, RateLimit>()
  for (const action of app.registry.list()) {
    const limit = rateLimitOf(action, app.settings)
    if (limit) limits.set(`/actions/${action.path}`, limit)
  }
  if (limits.size === 0) return
  // Runs before the plugin's own onRoute hook: it reads the config we set.
  server.addHook('onRoute', (route) => {
    const limit = limits.get(route.url ?? '')
    if (limit) route.config = { ...route.config, rateLimit: { max: limit.max, timeWindow: limit.windowMs } } as never
    else if (route.url === '/jobs/:ref' && route.method === 'POST') route.config = { ...route.config, rateLimit: jobsLimit(app, limits) } as never
  })
  const redis = app.settings.redis_url ? await redisClient(app, server) : undefined
  await server.register(import('@fastify/rate-limit'), {
    global: false,
    skipOnError: true,
    nameSpace: `${app.settings.redis_prefix}:rate-limit:`,
    keyGenerator: (request) => callerKey(app, request),
    errorResponseBuilder: (_request, context) =>
      new ServalError('too-many-requests', {
        detail: `At most ${context.max} requests per window; retry in ${context.after}`,
        headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
    ...(redis ? { redis } : {}),
  })
}

/**
 * One route submits jobs for every action (`POST /jobs/:ref`): the limit
 * is looked up per request from the action named, and counted per caller
 * and action. Actions without a limit pass untouched.
 */
function jobsLimit(app: App, limits: ReadonlyMap<string, RateLimit>) {
  const actionOf = (request: FastifyRequest) => app.registry.get((request.params as { ref?: string }).ref ?? '')
  const limitOf = (request: FastifyRequest) => {
    const action = actionOf(request)
    return action ? limits.get(`/actions/${action.path}`) : undefined
  }
  return {
    allowList: (request: FastifyRequest) => limitOf(request) === undefined,
    max: (request: FastifyRequest) => limitOf(request)?.max ?? 0,
    timeWindow: (request: FastifyRequest) => limitOf(request)?.windowMs ?? 60_000,
    keyGenerator: async (request: FastifyRequest) => `${await callerKey(app, request)}|${actionOf(request)?.name}`,
  }
}

/** The verified principal's `sub` when the request carries valid credentials, else the client IP. */
async function callerKey(app: App, request: FastifyRequest): Promise<string> {
  // A bad token is refused by the pipeline right after; count it against the IP.
  const principal = await requestCaller(app, request).catch(() => null)
  return principal ? `sub:${principal.sub}` : `ip:${request.ip}`
}

async function redisClient(app: App, server: FastifyInstance): Promise<RedisClient> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(app.settings.redis_url!, { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 1_000 })
  redis.on('error', (error: Error) => app.logger.debug({ err: error }, 'rate limit: redis error'))
  server.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())))
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
  const limited = app.registry.list().filter((a) => rateLimitOf(a, app.settings))
  if (limited.length === 0) return
  const content = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }
  const headers = { 'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer' } } }
  doc.components.responses.Error429 = { description: 'Rate limited: too many requests from this caller', headers, content }
  for (const action of limited) {
    for (const path of [`/actions/${action.path}`, `/jobs/${action.path}`]) {
      for (const op of Object.values(doc.paths?.[path] ?? {}) as Record<string, any>[]) {
        if (op && typeof op === 'object' && op.responses) op.responses['429'] = { $ref: '#/components/responses/Error429' }
      }
    }
  }
}
