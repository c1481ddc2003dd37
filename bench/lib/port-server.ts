import { wrkWorkload } from './generators/wrk.ts'
import { start, type Spawned } from './procs.ts'
import type { Workload } from './workloads.ts'

/**
 * Starts a bench server script (run from the source, as tests do) and
 * resolves with its port once it prints `PORT <n>`.
 *
 * @example
 * ```ts
 * const { proc, port } = await spawnPortServer('bench/cache-lib/server.ts')
 * ```
 */
export async function spawnPortServer(script: string): Promise<{ proc: Spawned; port: number }> {
  const proc = start(process.execPath, ['--conditions=serval-source', '--import', 'tsx', script])
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${proc.output()}`)), 60_000)
    proc.child.stdout?.on('data', () => {
      const m = /PORT (\d+)/.exec(proc.output())
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
  })
  return { proc, port }
}

/**
 * One wrk measurement that must be all right: a failed request, or one
 * answered with another status, fails the run instead of skewing it.
 *
 * @example
 * ```ts
 * const { rps, p50 } = await checkedLoad(port, workload, 50, 5)
 * ```
 */
export async function checkedLoad(port: number, w: Workload, connections: number, seconds: number): Promise<{ rps: number; p50: number; loadCpu: number; requests: number }> {
  const r = await wrkWorkload(port, w, connections, seconds)
  const bad = r.errors + r.timeouts + Object.entries(r.statusCounts).reduce((n, [k, v]) => n + (k === String(w.expectStatus) ? 0 : v), 0)
  if (bad > 0) throw new Error(`${w.label}: ${bad} failed requests ${JSON.stringify(r.statusCounts)}`)
  return { rps: r.rps, p50: r.p50, loadCpu: r.loadCpu, requests: r.requests }
}
