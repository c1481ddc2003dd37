// The load generator, run as its own (pinned) process so it never shares a
// core with the server. Argument: a JSON LoadSpec. Output: JSON lines,
// phase marks then `{ results: LoadResult[] }`. Traffic goes to 127.0.0.1 only.
// wrk does the work when installed; autocannon is the (capped) fallback.
import { rmSync } from 'node:fs'

export type Generator = 'wrk' | 'autocannon'

export interface LoadSpec {
  port: number
  connections: number
  generator: Generator
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

type Run = (port: number, id: string, connections: number, seconds: number) => Promise<LoadResult>

async function runner(generator: Generator): Promise<Run> {
  if (generator === 'wrk') return (await import('./lib/generators/wrk.ts')).wrkRun
  return (await import('./lib/generators/autocannon.ts')).autocannonRun
}

/** One JSON object per line: phase marks (so the harness can sample the server), then the results. */
function say(msg: object): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`)
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec
  const run = await runner(spec.generator)
  // wrk takes whole seconds; a warm-up rounds up to one.
  const warm = spec.generator === 'wrk' ? Math.max(1, Math.round(spec.warmup)) : spec.warmup
  if (spec.warmup > 0) for (const id of spec.workloads) await run(spec.port, id, spec.connections, warm)
  const results: LoadResult[] = []
  for (const id of spec.workloads) {
    say({ phase: 'start', workload: id })
    results.push(await run(spec.port, id, spec.connections, spec.duration))
    say({ phase: 'end', workload: id })
  }
  say({ results })
}

try {
  await main()
} finally {
  rmSync(`${(await import('node:os')).tmpdir()}/serval-bench-wrk-${process.pid}`, { recursive: true, force: true })
}
