// CPU profile of a server under one workload:
//   node --import tsx bench/profile.ts [workload] [seconds] [serval|fastify|raw]
// Starts the server under --cpu-prof (100 µs sampling), warms it, loads it
// with wrk, stops it gracefully (the profile is written on exit) and prints
// self time of the measured window only (start-up and warm-up excluded), as
// % and as µs per request, by module and by function.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { servalServeArgs } from './lib/contenders.ts'
import { wrkRun } from './lib/generators/wrk.ts'
import { ROOT, installCleanup, killAll, start, stop, waitReady, type Spawned } from './lib/procs.ts'
import { processTree } from './lib/proc-stats.ts'
import { workloadById } from './lib/workloads.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}

interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

const PORT = 18480
const DIR = join(ROOT, 'bench/.generated/profile')
const PROF = ['--cpu-prof', `--cpu-prof-dir=${DIR}`, '--cpu-prof-interval=100']

function moduleOf(url: string): string {
  const path = url.replace(`file://${ROOT}/`, '')
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (pkg) return pkg[1]!
  if (path.startsWith('node:')) return 'node internals'
  return path || '(native / vm)'
}

function ranked(map: Map<string, number>, busy: number, perReq: number, n: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / busy) * 100).toFixed(1).padStart(5)}% ${(v * perReq).toFixed(2).padStart(6)} µs  ${k}`)
}

/** Self time of the samples taken in [from, to] (µs, monotonic clock), by function and by module. */
function summarize(file: string, from: number, to: number, requests: number): string {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const byFn = new Map<string, number>()
  const byModule = new Map<string, number>()
  let t = prof.startTime
  let busy = 0
  let sumUs = 0
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0
    t += dt
    const f = byId.get(prof.samples[i]!)?.callFrame
    if (t < from || t > to || !f || f.functionName === '(idle)') continue
    busy++
    sumUs += dt
    const where = f.url ? `${f.url.replace(`file://${ROOT}/`, '')}:${f.lineNumber + 1}` : ''
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim()
    byFn.set(key, (byFn.get(key) ?? 0) + 1)
    byModule.set(moduleOf(f.url), (byModule.get(moduleOf(f.url)) ?? 0) + 1)
  }
  const perReq = sumUs / busy / requests // µs of CPU per sample, per request
  const total = `busy samples: ${busy}, ≈ ${(sumUs / requests).toFixed(2)} µs of profiled CPU per request (${requests} requests)`
  return `${total}\n\nself time by module:\n${ranked(byModule, busy, perReq, 15).join('\n')}\n\ntop self-time functions:\n${ranked(byFn, busy, perReq, 40).join('\n')}`
}

/** `bin/serval.js` serves in-process from a current dist/ build; otherwise the flag would not reach its child. */
async function startServer(who: string): Promise<Spawned> {
  if (who !== 'serval') {
    const server = start(process.execPath, [...PROF, '--import', 'tsx', join(ROOT, `bench/contenders/${who}.ts`)], { cpu: 0, env: { PORT: String(PORT) } })
    await waitReady(server, PORT, '/actions/add?a=1&b=2')
    return server
  }
  const compiled = start(process.execPath, [...PROF, ...servalServeArgs('bench/actions', PORT, ['--log-level', 'warn'])], { cpu: 0 })
  await waitReady(compiled, PORT, '/_sys/ready', 200)
  if (processTree(compiled.pid).filter((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node').length > 1) {
    await stop(compiled)
    throw new Error('dist/ is not current: run `npm run build` first (the CLI would re-run itself in a child the profiler does not reach)')
  }
  return compiled
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n)

async function main(): Promise<void> {
  installCleanup()
  const workload = process.argv[2] ?? 'post-hello'
  const seconds = Number(process.argv[3] ?? 6)
  const who = process.argv[4] ?? 'serval'
  workloadById(workload)
  rmSync(DIR, { recursive: true, force: true })
  mkdirSync(DIR, { recursive: true })
  const server = await startServer(who)
  await wrkRun(PORT, workload, 50, 2, 1)
  const from = nowUs()
  const r = await wrkRun(PORT, workload, 50, seconds, 1)
  const to = nowUs()
  console.log(`${who} ${workload}: ${Math.round(r.rps)} req/s, wrk CPU ${(r.loadCpu * 100).toFixed(0)}%`)
  process.kill(server.pid, 'SIGINT')
  await server.exited
  const file = readdirSync(DIR).find((f) => f.endsWith('.cpuprofile'))
  if (!file) throw new Error(`no profile written (did the server exit gracefully?):\n${server.output()}`)
  console.log(`profile: ${join(DIR, file)} (percent of busy samples in the measured window)`)
  console.log(summarize(join(DIR, file), from, to, r.requests))
}

try {
  await main()
} finally {
  killAll()
}
