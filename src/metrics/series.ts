import { Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { FastCounter, FastHistogram } from './fast.ts'

/** Seconds buckets of `serval_request_duration_seconds`: 1 ms to 10 s, as a web API's latencies spread. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** What the gauges read at scrape time. */
export interface GaugeSources {
  /** Jobs waiting per action; undefined leaves the gauge empty (no backend open, or it did not answer in time). */
  queueDepth(): Promise<ReadonlyMap<string, number> | undefined>
  wsConnections(): number
}

/**
 * The series of one app in its own registry (never prom-client's global
 * one: two apps in a process, tests or mounts, must not share counts).
 * The per-request series count in plain maps (fast.ts), so a request
 * costs a lookup and an add, not prom-client's label hashing.
 *
 * @example
 * ```ts
 * const series = new MetricsSeries({ queueDepth: async () => new Map([['resize', 2]]), wsConnections: () => 0 })
 * series.requests('add')('POST', 200, 0.004)
 * await series.registry.metrics() // 'serval_requests_total{action="add",method="POST",status="200"} 1 …'
 * ```
 */
export class MetricsSeries {
  readonly registry = new Registry()
  readonly #requests: FastCounter<'action' | 'method' | 'status'>
  readonly #duration: FastHistogram<'action'>
  readonly #jobs: FastCounter<'action' | 'status'>
  readonly #cache: FastCounter<'action' | 'result'>

  constructor(sources: GaugeSources) {
    const registers = [this.registry]
    this.#requests = new FastCounter({ name: 'serval_requests_total', help: 'Requests answered, by action (empty for other routes), method and status', labelNames: ['action', 'method', 'status'], registers })
    this.#duration = new FastHistogram({ name: 'serval_request_duration_seconds', help: 'Seconds from a request to its answer, by action', label: 'action', buckets: DURATION_BUCKETS, registers })
    this.#jobs = new FastCounter({ name: 'serval_jobs_total', help: 'Jobs this process finished, by action and final status', labelNames: ['action', 'status'], registers })
    this.#cache = new FastCounter({ name: 'serval_cache_requests_total', help: 'Result cache answers, by action and result (hit, miss)', labelNames: ['action', 'result'], registers })
    gauges(registers, sources)
  }

  /** Starts the default process metrics (CPU, memory, event loop, GC) in this registry. */
  collectProcess(): void {
    collectDefaultMetrics({ register: this.registry })
  }

  /**
   * The recorder of one action's requests (a route's, made at startup):
   * each method and status is looked up as numbers and kept, so a request
   * costs two small map reads and two adds, with no label text built.
   */
  requests(action: string): (method: string, status: number, seconds: number) => void {
    const counts = new Map<string, Map<number, { value: number }>>()
    const observe = this.#duration.observer(action)
    return (method, status, seconds) => {
      let byStatus = counts.get(method)
      if (byStatus === undefined) counts.set(method, (byStatus = new Map()))
      let count = byStatus.get(status)
      if (count === undefined) byStatus.set(status, (count = this.#requests.entry(action, method, String(status))))
      count.value++
      observe(seconds)
    }
  }

  job(action: string, status: string): void {
    this.#jobs.inc(action, status)
  }

  cache(action: string, hit: boolean): void {
    this.#cache.inc(action, hit ? 'hit' : 'miss')
  }
}

/** The gauges read at scrape time: nothing runs between scrapes. */
function gauges(registers: Registry[], sources: GaugeSources): void {
  new Gauge({
    name: 'serval_job_queue_depth',
    help: 'Jobs waiting to run, by action (* = the actions sharing the default Redis queue)',
    labelNames: ['action'],
    registers,
    async collect() {
      this.reset()
      const depth = await sources.queueDepth()
      for (const [action, n] of depth ?? []) this.set({ action }, n)
    },
  })
  new Gauge({
    name: 'serval_ws_connections',
    help: 'WebSockets open now',
    registers,
    collect() {
      this.set(sources.wsConnections())
    },
  })
}
