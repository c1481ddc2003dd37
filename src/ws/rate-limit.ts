import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'
import { rateLimitOf } from '../http/security/rate-limit.ts'

interface Window {
  count: number
  resetAt: number
}

const windows = new WeakMap<App, Map<string, Window>>()
/** Past this many callers × actions, expired windows are swept before a new one is added. */
const SWEEP_AT = 10_000

/**
 * Applies an action's rate limit to a `/ws` call, per caller (`sub`, else
 * the client IP) and action, as HTTP does, so a socket is no way around a
 * limit. The windows are counted in this process (HTTP's are shared through
 * Redis with `redis_url`). Throws a 429 `ServalError` past the limit.
 *
 * @example
 * ```ts
 * checkRateLimit(app, action, 'sub:ann') // throws too-many-requests on the (max+1)th call in a window
 * ```
 */
export function checkRateLimit(app: App, action: CompiledAction, caller: string, now = Date.now()): void {
  const limit = rateLimitOf(action, app.settings)
  if (!limit) return
  let map = windows.get(app)
  if (!map) windows.set(app, (map = new Map()))
  const key = `${caller}|${action.name}`
  let w = map.get(key)
  if (!w || w.resetAt <= now) {
    if (!w && map.size >= SWEEP_AT) for (const [k, old] of map) if (old.resetAt <= now) map.delete(k)
    map.set(key, (w = { count: 0, resetAt: now + limit.windowMs }))
  }
  if (++w.count <= limit.max) return
  const retryAfter = Math.max(1, Math.ceil((w.resetAt - now) / 1000))
  throw new ServalError('too-many-requests', { detail: `At most ${limit.max} calls of "${action.name}" per window; retry in ${retryAfter} s`, extensions: { retryAfter } })
}
