// Server CPU per request, A/B: `node --import tsx bench/cost.ts [workloads] [rounds] [seconds]`.
// Starts each contender once (pinned to CPU 0, kept warm), then alternates
// short wrk runs (CPU 1) between them, reading the server's CPU time from
// /proc around each run. CPU-µs per request is far less sensitive to other
// work on a shared machine than req/s: use it to bisect hot-path changes.
// Contenders: BENCH_ONLY (default fastify,serval; BENCH_SERVAL_BASE adds serval-base, BENCH_SERVAL_VARIANT serval-variant).
import { selectContenders, type Contender } from './lib/contenders.ts'
import { wrkRun } from './lib/generators/wrk.ts'
import { installCleanup, killAll, start, stop, waitReady, type Spawned } from './lib/procs.ts'
import { cpuSeconds, serverPid } from './lib/proc-stats.ts'
import { median } from './lib/stats.ts'
import { verifyContender } from './lib/verify.ts'
import { WORKLOADS } from './lib/workloads.ts'

const BASE_PORT = Number(process.env.BENCH_PORT ?? 18440) // BENCH_PORT: another base, so two A/B runs can share a machine

interface Live {
  c: Contender
  port: number
  pid: number
  proc: Spawned
}

async function boot(c: Contender, port: number): Promise<Live> {
  const proc = start(c.cmd, c.args(port), { cpu: 0, env: c.env(port) })
  await waitReady(proc, port, c.readyPath, c.readyStatus)
  await verifyContender(c.label, port)
  return { c, port, proc, pid: serverPid(proc.pid, port) }
}

async function once(s: Live, workload: string, seconds: number): Promise<number> {
  const cpu0 = cpuSeconds(s.pid)
  const r = await wrkRun(s.port, workload, 50, seconds, 1)
  if (r.errors || r.timeouts) throw new Error(`${s.c.id} ${workload}: socket errors under load`)
  return ((cpuSeconds(s.pid) - cpu0) / r.requests) * 1e6
}

async function main(): Promise<void> {
  installCleanup()
  const ids = (process.argv[2] ?? 'post-hello').split(',')
  const rounds = Number(process.argv[3] ?? 5)
  const seconds = Number(process.argv[4] ?? 2)
  const only = process.env.BENCH_ONLY?.split(',') ?? ['fastify', ...(process.env.BENCH_SERVAL_BASE ? ['serval-base'] : []), ...(process.env.BENCH_SERVAL_VARIANT ? ['serval-variant'] : []), 'serval']
  const live: Live[] = []
  for (const [i, c] of selectContenders(only).entries()) live.push(await boot(c, BASE_PORT + i))
  for (const s of live) for (const w of ids) await wrkRun(s.port, w, 50, 1, 1) // warm-up
  const us = new Map<string, number[]>()
  for (let r = 0; r < rounds; r++) {
    for (const w of ids) {
      for (const s of r % 2 ? [...live].reverse() : live) {
        const key = `${w} ${s.c.id}`
        us.set(key, [...(us.get(key) ?? []), await once(s, w, seconds)])
      }
    }
  }
  for (const s of live) await verifyContender(s.c.label, s.port)
  console.log(`server CPU µs per request, median of ${rounds} alternating ${seconds} s wrk runs (min–max)`)
  for (const w of ids.length ? ids : WORKLOADS.map((x) => x.id)) {
    for (const s of live) {
      const v = us.get(`${w} ${s.c.id}`) ?? []
      console.log(`${w.padEnd(16)} ${s.c.id.padEnd(12)} ${median(v).toFixed(2).padStart(7)}  (${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)})`)
    }
  }
  await Promise.all(live.map((s) => stop(s.proc)))
}

try {
  await main()
} finally {
  killAll()
}
