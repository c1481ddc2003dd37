// The load generator, run as its own (pinned) process so it never shares a
// core with the server. Argument: a JSON LoadSpec. Output: JSON lines,
// phase marks then `{ results: LoadResult[] }`. Traffic goes to 127.0.0.1 only.
import autocannon from 'autocannon'
import { JSON_HEADERS, workloadById } from './lib/workloads.ts'

export interface LoadSpec {
  port: number
  connections: number
  /** Seconds of warm-up per workload, all run before any measurement. */
  warmup: number
  /** Seconds measured per workload. */
  duration: number
  workloads: string[]
}

export interface LoadResult {
  workload: string
  requests: number
  seconds: number
  rps: number
  p50: number
  p99: number
  errors: number
  timeouts: number
  statusCounts: Record<string, number>
  /** Share of one core the load generator used while measuring (1 = saturated). */
  loadCpu: number
}

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

async function measure(spec: LoadSpec, id: string): Promise<LoadResult> {
  const latencies: number[] = []
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const r = await fire(spec.port, id, spec.connections, spec.duration, latencies)
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

/** One JSON object per line: phase marks (so the harness can sample the server), then the results. */
function say(msg: object): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`)
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec
  if (spec.warmup > 0) for (const id of spec.workloads) await fire(spec.port, id, spec.connections, spec.warmup)
  const results: LoadResult[] = []
  for (const id of spec.workloads) {
    say({ phase: 'start', workload: id })
    results.push(await measure(spec, id))
    say({ phase: 'end', workload: id })
  }
  say({ results })
}

await main()
