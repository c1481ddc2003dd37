// autocannon as the fallback load generator (when wrk is not installed). It
// is JavaScript on one core: above ~50k req/s it saturates before the
// servers do, so the report flags every ratio from it as capped.
import autocannon from 'autocannon'
import type { LoadResult } from '../../load.ts'
import { JSON_HEADERS, workloadById } from '../workloads.ts'

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

function fire(port: number, id: string, connections: number, duration: number, latencies?: number[]) {
  const w = workloadById(id)
  const inst = autocannon({
    url: `http://127.0.0.1:${port}${w.path}`,
    method: w.method,
    connections,
    duration,
    timeout: 10,
    // autocannon stops on a sample tick: short ticks keep the duration exact.
    sampleInt: 100,
    ...(w.body === undefined ? {} : { body: w.body, headers: JSON_HEADERS }),
  })
  if (latencies) inst.on('response', (_c: unknown, _s: number, _b: number, ms: number) => latencies.push(ms))
  return inst
}

export async function autocannonRun(port: number, id: string, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = []
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const r = await fire(port, id, connections, seconds, latencies)
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const sorted = Float64Array.from(latencies).sort()
  const statusCounts: Record<string, number> = {}
  for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCounts[code] = count
  return {
    workload: id,
    requests: r.requests.total,
    seconds: r.duration,
    rps: r.requests.total / r.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: r.errors,
    timeouts: r.timeouts,
    statusCounts,
    loadCpu: (cpu.user + cpu.system) / 1e6 / wall,
  }
}
