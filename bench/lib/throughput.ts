// One measured session of one contender: start the server (pinned), verify
// it, warm it, measure every workload from a separately pinned load
// process, verify again, stop it. rounds.ts schedules the sessions.
import type { Config } from './config.ts'
import type { Contender } from './contenders.ts'
import type { LoadResult, LoadSpec } from '../load.ts'
import { ROOT, assertPortFree, start, stop, waitReady, type Spawned } from './procs.ts'
import { cpuSeconds, rssMb, serverPid, systemBusySeconds, treeRssMb, waitQuiet } from './proc-stats.ts'
import { verifyContender } from './verify.ts'
import { WORKLOADS, workloadById } from './workloads.ts'

export interface Sample extends LoadResult {
  contender: string
  round: number
  /** Share of one core the server used while this workload was measured. */
  serverCpu: number
  /** Cores used by anything but the server, the load generator and the harness (noise). */
  otherCpu: number
}

export interface ServerRun {
  contender: string
  round: number
  readyMs: number
  idleRssMb: number
  peakRssMb: number
  afterLoadRssMb: number
  /** Processes in the spawned tree (a CLI may run the server in a child) and their summed RSS. */
  processes: number
  treeRssMb: number
}


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

interface Mark {
  t: number
  server: number
  busy: number
  harness: number
}

interface Watch {
  pid: number
  peakRss: number
  marks: Map<string, Mark>
}

function mark(pid: number): Mark {
  const own = process.cpuUsage()
  return { t: performance.now() / 1000, server: cpuSeconds(pid), busy: systemBusySeconds(), harness: (own.user + own.system) / 1e6 }
}

function cpuShares(watch: Watch, r: LoadResult): { serverCpu: number; otherCpu: number } {
  const a = watch.marks.get(`start:${r.workload}`)
  const b = watch.marks.get(`end:${r.workload}`)
  if (!a || !b) return { serverCpu: NaN, otherCpu: NaN }
  const wall = b.t - a.t
  const server = b.server - a.server
  const other = (b.busy - a.busy - server - (b.harness - a.harness)) / wall - r.loadCpu
  return { serverCpu: server / wall, otherCpu: Math.max(0, other) }
}

/** Runs the load child, sampling the server's CPU at each workload's start and end. */
async function runLoad(cfg: Config, port: number, watch: Watch): Promise<LoadResult[]> {
  const spec: LoadSpec = {
    port,
    connections: cfg.connections,
    generator: cfg.generator,
    warmup: cfg.warmup,
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
      if (msg.phase) watch.marks.set(`${msg.phase}:${msg.workload}`, mark(watch.pid))
      if (msg.results) results = msg.results
    }
  })
  const sampler = setInterval(() => (watch.peakRss = Math.max(watch.peakRss, rssMb(watch.pid) || 0)), 200)
  const code = await load.exited
  clearInterval(sampler)
  if (code !== 0 || !results) throw new Error(`load generator failed (exit ${code}):\n${load.output()}`)
  return results
}

async function bootServer(c: Contender, port: number, quietWaitMs: number): Promise<{ proc: Spawned; readyMs: number }> {
  await assertPortFree(port)
  const busy = await waitQuiet(quietWaitMs)
  if (busy >= 0.2) console.log(`  note: machine busy (${busy.toFixed(2)} cores used by others) before ${c.id}; numbers may be noisy`)
  const proc = start(c.cmd, c.args(port), { cpu: 0, env: c.env(port) })
  const readyMs = await waitReady(proc, port, c.readyPath, c.readyStatus)
  return { proc, readyMs }
}

export interface Session {
  samples: Sample[]
  server: ServerRun
  noise: number
}

export async function measureSession(cfg: Config, c: Contender, round: number, port: number, quietWaitMs: number): Promise<Session> {
  const { proc, readyMs } = await bootServer(c, port, quietWaitMs)
  try {
    const pid = serverPid(proc.pid, port)
    const idleRssMb = rssMb(pid)
    const tree = treeRssMb(proc.pid)
    await verifyContender(c.label, port)
    const watch: Watch = { pid, peakRss: idleRssMb, marks: new Map() }
    const results = await runLoad(cfg, port, watch)
    const samples = results.map((r) => {
      checkSample(c.label, r)
      return { ...r, contender: c.id, round, ...cpuShares(watch, r) }
    })
    const server = {
      ...{ contender: c.id, round, readyMs, idleRssMb, peakRssMb: watch.peakRss, afterLoadRssMb: rssMb(pid) },
      ...{ processes: tree.processes, treeRssMb: tree.mb },
    }
    await verifyContender(c.label, port)
    return { samples, server, noise: Math.max(...samples.map((x) => x.otherCpu || 0)) }
  } finally {
    await stop(proc)
  }
}

export function logSession(c: Contender, round: number, s: Session, note = ''): void {
  const parts = s.samples.map((x) => `${x.workload} ${Math.round(x.rps)} rps p99 ${x.p99.toFixed(1)}ms`)
  console.log(`  round ${round + 1} ${c.label.padEnd(26)} ${parts.join(' | ')}${note}`)
}
