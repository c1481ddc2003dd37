// wrk as the load generator: one thread, keep-alive connections, the request
// set by a Lua script, the summary printed as JSON by the script's done().
// Its CPU is read from the shell's `times` (children's user + system), so
// the report can say whether the generator's own core was the limit.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { LoadResult } from '../../load.ts'
import { JSON_HEADERS, workloadById, type Workload } from '../workloads.ts'

const DIR = join(tmpdir(), `serval-bench-wrk-${process.pid}`)

const DONE = `
done = function(s, lat, req)
  io.write(string.format('\\n@@{"requests":%d,"us":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p99":%d}\\n',
    s.requests, s.duration, s.errors.status, s.errors.connect, s.errors.read, s.errors.write, s.errors.timeout,
    lat:percentile(50), lat:percentile(99)))
end
`

function script(w: Workload): string {
  const file = join(DIR, `${w.id}.lua`)
  const lines = [`wrk.method = "${w.method}"`]
  if (w.body !== undefined) {
    if (w.body.includes(']==]')) throw new Error(`workload ${w.id}: body cannot be quoted for Lua`)
    lines.push(`wrk.body = [==[${w.body}]==]`)
    for (const [k, v] of Object.entries(JSON_HEADERS)) lines.push(`wrk.headers["${k}"] = "${v}"`)
  }
  for (const [k, v] of Object.entries(w.headers ?? {})) lines.push(`wrk.headers["${k}"] = [==[${v}]==]`)
  mkdirSync(DIR, { recursive: true })
  writeFileSync(file, `${lines.join('\n')}\n${DONE}`)
  return file
}

interface WrkSummary {
  requests: number
  us: number
  status: number
  connect: number
  read: number
  write: number
  timeout: number
  p50: number
  p99: number
}

/** Runs `wrk` under a shell that prints its CPU (`times`) when it ends. */
function runWrk(args: string[], cpu?: number): Promise<{ out: string; code: number | null }> {
  const shell = ['bash', '-c', 'wrk "$@"; code=$?; times; exit $code', 'wrk', ...args]
  const [cmd, ...argv] = cpu === undefined ? shell : ['taskset', '-c', String(cpu), ...shell]
  return new Promise((resolve) => {
    const child = spawn(cmd!, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.on('exit', (code) => resolve({ out, code }))
  })
}

/** Seconds of CPU the shell's children (wrk) used: the second line of `times`. */
function childCpu(out: string): number {
  const lines = out.trim().split('\n')
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '')
  if (!m) return NaN
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])
}

/** Status counts as far as wrk tells them: it counts answers ≥ 400, not each code. */
function statusCounts(w: Workload, s: WrkSummary): Record<string, number> {
  const errors = s.status
  const fine = s.requests - errors
  if (w.expectStatus < 400) return { [w.expectStatus]: fine, ...(errors ? { '4xx/5xx': errors } : {}) }
  return { [w.expectStatus]: errors, ...(fine ? { '<400': fine } : {}) }
}

/** One wrk run of `seconds` against a workload (pinned to `cpu` when given; load.ts is pinned itself). */
export async function wrkRun(port: number, id: string, connections: number, seconds: number, cpu?: number): Promise<LoadResult> {
  return wrkWorkload(port, workloadById(id), connections, seconds, cpu)
}

/** One wrk run of `seconds` against any workload (bench/graphql.ts has its own, outside the shared table). */
export async function wrkWorkload(port: number, w: Workload, connections: number, seconds: number, cpu?: number): Promise<LoadResult> {
  const id = w.id
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script(w), `http://127.0.0.1:${port}${w.path}`]
  const t0 = performance.now()
  const { out, code } = await runWrk(args, cpu)
  const wall = (performance.now() - t0) / 1000
  const line = out.split('\n').find((l) => l.startsWith('@@'))
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${out}`)
  const s = JSON.parse(line.slice(2)) as WrkSummary
  const seconds_ = s.us / 1e6
  return {
    workload: id,
    requests: s.requests,
    seconds: seconds_,
    rps: s.requests / seconds_,
    p50: s.p50 / 1000,
    p99: s.p99 / 1000,
    errors: s.connect + s.read + s.write,
    timeouts: s.timeout,
    statusCounts: statusCounts(w, s),
    loadCpu: childCpu(out) / wall,
  }
}
