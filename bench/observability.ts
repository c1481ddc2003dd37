// The cost of metrics and of tracing (the OpenTelemetry API, no SDK) on
// Serval's hot path, as ratios in one run:
//   npm run bench:observability [-- rounds seconds]   (default 5 rounds of 3 s)
// Four `serval serve bench/actions` processes (metrics off/on × tracing
// off/on, by SERVAL_METRICS / SERVAL_TRACING), started once on CPU 0 and
// kept warm, then short wrk runs of `POST /actions/say-hello` (CPU 1)
// alternating between them in each round. Reports req/s and server
// CPU-µs per request (the steadier of the two on a shared machine), each
// as a ratio to "both off". Target: each feature costs ≤ 3%. Run
// `npm run build` first (the CLI serves dist/).
import { SERVAL } from './lib/contenders.ts'
import { wrkRun } from './lib/generators/wrk.ts'
import { installCleanup, killAll, start, stop, waitReady, type Spawned } from './lib/procs.ts'
import { cpuSeconds, serverPid } from './lib/proc-stats.ts'
import { median } from './lib/stats.ts'

const BASE_PORT = 18460
const WORKLOAD = 'post-hello'
const VARIANTS = [
  { id: 'off', metrics: false, tracing: false },
  { id: 'metrics', metrics: true, tracing: false },
  { id: 'tracing', metrics: false, tracing: true },
  { id: 'both', metrics: true, tracing: true },
] as const

interface Live {
  id: string
  port: number
  pid: number
  proc: Spawned
  rps: number[]
  us: number[]
}

async function boot(v: (typeof VARIANTS)[number], port: number): Promise<Live> {
  // No OTEL_* variables: tracing runs on the API's no-op tracer, as a server without an exporter does.
  const env = { SERVAL_METRICS: String(v.metrics), SERVAL_TRACING: String(v.tracing), OTEL_TRACES_EXPORTER: 'none' }
  const proc = start(SERVAL.cmd, SERVAL.args(port), { cpu: 0, env })
  await waitReady(proc, port, SERVAL.readyPath, SERVAL.readyStatus)
  const metrics = await fetch(`http://127.0.0.1:${port}/metrics`)
  if ((metrics.status === 200) !== v.metrics) throw new Error(`${v.id}: /metrics answered ${metrics.status}; the setting did not apply`)
  return { id: v.id, port, proc, pid: serverPid(proc.pid, port), rps: [], us: [] }
}

async function once(s: Live, seconds: number): Promise<void> {
  const cpu0 = cpuSeconds(s.pid)
  const r = await wrkRun(s.port, WORKLOAD, 50, seconds, 1)
  if (r.errors || r.timeouts) throw new Error(`${s.id}: socket errors under load`)
  s.rps.push(r.rps)
  s.us.push(((cpuSeconds(s.pid) - cpu0) / r.requests) * 1e6)
}

async function main(): Promise<void> {
  installCleanup()
  const rounds = Number(process.argv[2] ?? 5)
  const seconds = Number(process.argv[3] ?? 3)
  const live: Live[] = []
  for (const [i, v] of VARIANTS.entries()) live.push(await boot(v, BASE_PORT + i))
  for (const s of live) await wrkRun(s.port, WORKLOAD, 50, 1, 1) // warm-up
  for (let r = 0; r < rounds; r++) for (const s of r % 2 ? [...live].reverse() : live) await once(s, seconds)
  const base = live[0]!
  console.log(`\n${WORKLOAD}: median of ${rounds} alternating ${seconds} s wrk runs (50 connections)\n`)
  console.log('| variant | req/s | ratio | server CPU µs/req | ratio |')
  console.log('|---|---|---|---|---|')
  for (const s of live) {
    const rps = median(s.rps)
    const us = median(s.us)
    console.log(`| ${s.id} | ${rps.toFixed(0)} | ${(rps / median(base.rps)).toFixed(3)} | ${us.toFixed(2)} | ${(us / median(base.us)).toFixed(3)} |`)
  }
  await Promise.all(live.map((s) => stop(s.proc)))
}

try {
  await main()
} finally {
  killAll()
}
