import { wrkWorkload } from './generators/wrk.ts'
import { cpuSeconds } from './proc-stats.ts'
import { start, type Spawned } from './procs.ts'
import type { Workload } from './workloads.ts'

/**
 * Starts a bench server script with `args` and resolves with its port once
 * it prints `PORT <n>`. By default it runs from the source, as tests do;
 * `build: true` drops the `serval-source` condition, so `serval` resolves
 * to `dist/` as users run it (the script then imports nothing from src/).
 * `cpu` pins it to one core, as `npm run bench` pins its servers.
 *
 * @example
 * ```ts
 * const { proc, port } = await spawnPortServer('bench/cache-lib/server.ts')
 * const ws = await spawnPortServer('bench/channels-lib/server.ts', { args: ['ws'] })
 * const built = await spawnPortServer('bench/graphql-lib/server.ts', { build: true, cpu: 0 })
 * ```
 */
export async function spawnPortServer(script: string, opts: { args?: readonly string[]; build?: boolean; cpu?: number } = {}): Promise<{ proc: Spawned; port: number }> {
  const args = opts.args ?? []
  const proc = start(process.execPath, [...(opts.build ? [] : ['--conditions=serval-source']), '--import', 'tsx', script, ...args], opts.cpu === undefined ? {} : { cpu: opts.cpu })
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${[script, ...args].join(' ')} did not start:\n${proc.output()}`)), 60_000)
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
 * const { rps, p50 } = await checkedLoad(port, workload, 50, 5) // wrk pinned to a core: checkedLoad(port, workload, 50, 5, 1)
 * ```
 */
export async function checkedLoad(port: number, w: Workload, connections: number, seconds: number, cpu?: number): Promise<{ rps: number; p50: number; loadCpu: number; requests: number }> {
  const r = await wrkWorkload(port, w, connections, seconds, cpu)
  const bad = r.errors + r.timeouts + Object.entries(r.statusCounts).reduce((n, [k, v]) => n + (k === String(w.expectStatus) ? 0 : v), 0)
  if (bad > 0) throw new Error(`${w.label}: ${bad} failed requests ${JSON.stringify(r.statusCounts)}`)
  return { rps: r.rps, p50: r.p50, loadCpu: r.loadCpu, requests: r.requests }
}

/**
 * `checkedLoad`, with the server's CPU µs per answered request over the run
 * (its utime + stime from /proc): the number a shared machine disturbs least.
 *
 * @example
 * ```ts
 * const { rps, us } = await checkedLoadWithCpu(pid, port, workload, 50, 5, 1)
 * ```
 */
export async function checkedLoadWithCpu(pid: number, port: number, w: Workload, connections: number, seconds: number, cpu?: number): Promise<Awaited<ReturnType<typeof checkedLoad>> & { us: number }> {
  const before = cpuSeconds(pid)
  const r = await checkedLoad(port, w, connections, seconds, cpu)
  return { ...r, us: ((cpuSeconds(pid) - before) * 1e6) / r.requests }
}
