// Interleaved throughput rounds: for each round, for each contender, start
// the server (pinned), verify it, warm it, measure every workload from a
// separately pinned load process, stop it.
import type { Config } from './config.ts'
import type { Contender } from './contenders.ts'
import type { LoadResult, LoadSpec } from '../load.ts'
import { ROOT, assertPortFree, start, stop, waitReady, type Spawned } from './procs.ts'
import { cpuSeconds, rssMb, serverPid } from './proc-stats.ts'
import { verifyContender } from './verify.ts'
import { WORKLOADS, workloadById } from './workloads.ts'

export interface Sample extends LoadResult {
  contender: string
  round: number
  /** Share of one core the server used while this workload was measured. */
  serverCpu: number
}

export interface ServerRun {
  contender: string
  round: number
  readyMs: number
  idleRssMb: number
  peakRssMb: number
  afterLoadRssMb: number
}

export interface ThroughputData {
  samples: Sample[]
  servers: ServerRun[]
}

const BASE_PORT = 18400

function checkSample(label: string, r: LoadResult): void {
  const want = String(workloadById(r.workload).expectStatus)
  const wrong = Object.entries(r.statusCounts).filter(([code]) => code !== want)
  if (r.errors || r.timeouts || wrong.length || r.requests === 0) {
    throw new Error(
      `${label} / ${r.workload}: ${r.requests} requests, ${r.errors} errors, ${r.timeouts} timeouts, ` +
        `statuses ${JSON.stringify(r.statusCounts)} (expected only ${want})`,
    )
  }
}

interface Watch {
  pid: number
  peakRss: number
  cpuAt: Map<string, number>
}

/** Runs the load child, sampling the server's CPU at each workload's start and end. */
async function runLoad(cfg: Config, port: number, watch: Watch): Promise<LoadResult[]> {
  const spec: LoadSpec = {
    port,
    connections: cfg.connections,
    warmup: cfg.warmup / WORKLOADS.length,
    duration: cfg.duration,
    workloads: WORKLOADS.map((w) => w.id),
  }
  const load = start(process.execPath, ['--import', 'tsx', `${ROOT}/bench/load.ts`, JSON.stringify(spec)], { cpu: cfg.loadCpu })
  let buf = ''
  let results: LoadResult[] | undefined
  load.child.stdout?.on('data', (chunk: Buffer) => {
    buf += chunk.toString()
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      const msg = JSON.parse(line) as { phase?: string; workload?: string; results?: LoadResult[] }
      if (msg.phase) watch.cpuAt.set(`${msg.phase}:${msg.workload}`, cpuSeconds(watch.pid))
      if (msg.results) results = msg.results
    }
  })
  const sampler = setInterval(() => (watch.peakRss = Math.max(watch.peakRss, rssMb(watch.pid) || 0)), 200)
  const code = await load.exited
  clearInterval(sampler)
  if (code !== 0 || !results) throw new Error(`load generator failed (exit ${code}):\n${load.output()}`)
  return results
}

async function bootServer(c: Contender, port: number): Promise<{ proc: Spawned; readyMs: number }> {
  await assertPortFree(port)
  const proc = start(c.cmd, c.args(port), { cpu: 0, env: c.env(port) })
  const readyMs = await waitReady(proc, port, c.readyPath, c.readyStatus)
  return { proc, readyMs }
}

async function measureContender(cfg: Config, c: Contender, round: number, port: number, data: ThroughputData) {
  const { proc, readyMs } = await bootServer(c, port)
  try {
    const pid = serverPid(proc.pid, port)
    const idleRssMb = rssMb(pid)
    await verifyContender(c.label, port)
    const watch: Watch = { pid, peakRss: idleRssMb, cpuAt: new Map() }
    const results = await runLoad(cfg, port, watch)
    for (const r of results) {
      checkSample(c.label, r)
      const cpu = (watch.cpuAt.get(`end:${r.workload}`) ?? NaN) - (watch.cpuAt.get(`start:${r.workload}`) ?? NaN)
      data.samples.push({ ...r, contender: c.id, round, serverCpu: cpu / r.seconds })
    }
    data.servers.push({ contender: c.id, round, readyMs, idleRssMb, peakRssMb: watch.peakRss, afterLoadRssMb: rssMb(pid) })
    await verifyContender(c.label, port)
  } finally {
    await stop(proc)
  }
}

function logRound(data: ThroughputData, c: Contender, round: number): void {
  const parts = data.samples
    .filter((s) => s.contender === c.id && s.round === round)
    .map((s) => `${s.workload} ${Math.round(s.rps)} rps p99 ${s.p99.toFixed(1)}ms`)
  console.log(`  round ${round + 1} ${c.label.padEnd(26)} ${parts.join(' | ')}`)
}

export async function runThroughput(cfg: Config, contenders: Contender[]): Promise<ThroughputData> {
  const data: ThroughputData = { samples: [], servers: [] }
  for (let round = 0; round < cfg.rounds; round++) {
    for (const [i, c] of contenders.entries()) {
      await measureContender(cfg, c, round, BASE_PORT + i, data)
      logRound(data, c, round)
    }
  }
  return data
}
