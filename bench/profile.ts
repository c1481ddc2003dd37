// CPU profile of Serval under one workload: `node --import tsx bench/profile.ts [workload] [seconds]`.
// Starts `serval serve bench/actions` under --cpu-prof, loads it, stops it
// gracefully (the profile is written on exit) and prints the top self-time
// functions. Workloads: get-add, post-hello, post-summarize, post-invalid.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { servalServeArgs } from './lib/contenders.ts'
import { ROOT, installCleanup, killAll, start, stop, waitReady, type Spawned } from './lib/procs.ts'
import { processTree } from './lib/proc-stats.ts'
import { workloadById } from './lib/workloads.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

const PORT = 18480
const DIR = join(ROOT, 'bench/.generated/profile')

function moduleOf(url: string): string {
  const path = url.replace(`file://${ROOT}/`, '')
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)
  if (pkg) return pkg[1]!
  if (path.startsWith('node:')) return 'node internals'
  return path || '(native / vm)'
}

function ranked(map: Map<string, number>, busy: number, n: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`)
}

/** Self time by function and by module, in % of non-idle samples. */
function summarize(file: string): { functions: string[]; modules: string[] } {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] }
  const byFn = new Map<string, number>()
  const byModule = new Map<string, number>()
  let busy = 0
  for (const node of prof.nodes) {
    const f = node.callFrame
    const hits = node.hitCount ?? 0
    if (f.functionName === '(idle)' || hits === 0) continue
    busy += hits
    const where = f.url ? `${f.url.replace(`file://${ROOT}/`, '')}:${f.lineNumber + 1}` : ''
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim()
    byFn.set(key, (byFn.get(key) ?? 0) + hits)
    byModule.set(moduleOf(f.url), (byModule.get(moduleOf(f.url)) ?? 0) + hits)
  }
  return { functions: ranked(byFn, busy, 25), modules: ranked(byModule, busy, 15) }
}

/**
 * Serval under --cpu-prof. `bin/serval.js` serves in-process from a current
 * dist/ build; otherwise it re-runs node from source in a child that the flag
 * would not reach (and NODE_OPTIONS may not carry --cpu-prof), so then the
 * child's command is run directly.
 */
async function startProfiled(): Promise<Spawned> {
  const prof = ['--cpu-prof', `--cpu-prof-dir=${DIR}`]
  const serve = servalServeArgs('bench/actions', PORT, ['--log-level', 'warn'])
  const compiled = start(process.execPath, [...prof, ...serve], { cpu: 0 })
  await waitReady(compiled, PORT, '/_sys/ready', 200)
  if (processTree(compiled.pid).length === 1) {
    console.log('profiling the compiled CLI (dist/)')
    return compiled
  }
  await stop(compiled)
  rmSync(DIR, { recursive: true, force: true })
  console.log('profiling from source (no current dist/ build)')
  const source = ['--conditions=serval-source', '--import', 'tsx']
  const server = start(process.execPath, [...prof, ...source, ...serve], { cpu: 0, env: { SERVAL_FROM_SOURCE: '1' } })
  await waitReady(server, PORT, '/_sys/ready', 200)
  return server
}

async function main(): Promise<void> {
  installCleanup()
  const workload = process.argv[2] ?? 'post-hello'
  const seconds = Number(process.argv[3] ?? 6)
  workloadById(workload)
  rmSync(DIR, { recursive: true, force: true })
  mkdirSync(DIR, { recursive: true })
  const server = await startProfiled()
  const spec = { port: PORT, connections: 50, warmup: 1, duration: seconds, workloads: [workload] }
  const load = start(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/load.ts'), JSON.stringify(spec)], { cpu: 1 })
  await load.exited
  console.log(load.output().trim().split('\n').pop())
  process.kill(server.pid, 'SIGINT')
  await server.exited
  const file = readdirSync(DIR).find((f) => f.endsWith('.cpuprofile'))
  if (!file) throw new Error(`no profile written (did the server exit gracefully?):\n${server.output()}`)
  const top = summarize(join(DIR, file))
  console.log(`profile: ${join(DIR, file)} (percent of non-idle samples)`)
  console.log(`\nself time by module:\n${top.modules.join('\n')}\n\ntop self-time functions:\n${top.functions.join('\n')}`)
}

try {
  await main()
} finally {
  killAll()
}
