import { createHash, timingSafeEqual } from 'node:crypto'
import type { App, Extension } from '../app/types.ts'
import type { Route, RouteRequest, RouteResponse } from '../app/route.ts'
import { ServalError } from '../errors/index.ts'
import { jobsOf } from '../jobs/service.ts'
import { isFinished, type JobRecord } from '../jobs/types.ts'
import { wsConnections } from '../ws/count.ts'
import { addMetricsOpenApi } from './openapi.ts'
import { MetricsSeries } from './series.ts'

/** How long a scrape waits for the queue depth (Redis): past it the gauge is left empty, the scrape answers. */
export const QUEUE_DEPTH_TIMEOUT_MS = 1000

/**
 * The metrics capability: `GET /metrics` in Prometheus text, fed by the
 * adapters' observer hook (requests), the cache step (hits and misses),
 * the job service (finished jobs of this process) and, at scrape time,
 * the job queues and the open WebSockets. Public unless `metrics_token`
 * is set, then a bearer token; documented in OpenAPI with that security.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions, extensions: [metricsExtension()] })
 * ```
 */
export function metricsExtension(): Extension {
  let app: App | undefined
  const series = new MetricsSeries({ queueDepth: () => queueDepth(app), wsConnections: () => (app ? wsConnections(app) : 0) })
  let stopWatching: (() => void) | undefined
  return {
    name: 'metrics',
    observer: {
      requests: (action) => series.requests(action),
      cache: (action, hit) => series.cache(action, hit),
    },
    start(started) {
      app = started
    },
    routes: (served) => [metricsRoute(served, series)],
    openapi: (doc, served) => addMetricsOpenApi(doc, served.settings.metrics_token !== undefined),
    serve(served) {
      // Process metrics start with a server, never in one-shot commands (their GC and event-loop observers live on).
      series.collectProcess()
      if (served.settings.workers > 0) stopWatching = jobsOf(served).watch(countFinished(series))
    },
    stop() {
      stopWatching?.()
    },
  }
}

/** `GET /metrics`. */
function metricsRoute(app: App, series: MetricsSeries): Route {
  const token = app.settings.metrics_token
  return {
    method: 'GET',
    path: '/metrics',
    async handle(request: RouteRequest): Promise<RouteResponse> {
      if (token !== undefined) checkToken(token, request)
      const text = await series.registry.metrics()
      return { status: 200, headers: { 'content-type': series.registry.contentType, 'cache-control': 'no-store' }, body: Buffer.from(text) }
    },
  }
}

function checkToken(token: string, request: RouteRequest): void {
  const sent = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim()
  const digest = (s: string) => createHash('sha256').update(s).digest()
  if (sent !== undefined && timingSafeEqual(digest(sent), digest(token))) return
  throw new ServalError('unauthorized', { detail: 'GET /metrics needs the metrics_token as a bearer token', headers: { 'www-authenticate': 'Bearer realm="metrics"' } })
}

/** Counts each job of this process once, when it reaches a final status. */
function countFinished(series: MetricsSeries): (job: JobRecord) => void {
  const counted = new Set<string>()
  return (job) => {
    if (!isFinished(job.status) || counted.has(job.id)) return
    if (counted.size >= 10_000) counted.clear() // a job reports its end once; the set only guards against a repeat
    counted.add(job.id)
    series.job(job.action, job.status)
  }
}

/** The queue depth, bounded in time: a Redis outage leaves the gauge empty instead of hanging the scrape. */
async function queueDepth(app: App | undefined): Promise<ReadonlyMap<string, number> | undefined> {
  if (app === undefined) return undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), QUEUE_DEPTH_TIMEOUT_MS)
  })
  try {
    return await Promise.race([jobsOf(app).depth(), late])
  } catch (err) {
    app.logger.warn({ err }, 'metrics: the job queue depth could not be read')
    return undefined
  } finally {
    clearTimeout(timer)
  }
}
