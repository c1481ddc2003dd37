// Serval's non-throughput budgets: cold start and idle memory of
// `serval serve`, and type-check time of a generated 200-action app.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { servalServeArgs } from './contenders.ts'
import { ROOT, assertPortFree, start, stop, waitReady } from './procs.ts'
import { cpuSeconds, rssMb, serverPid } from './proc-stats.ts'
import { median } from './stats.ts'
import { generateServeApp, generateTypecheckApps } from './generate.ts'

export interface ColdStart {
  app: string
  runs: number[]
  medianMs: number
  idleRssMb: number
  error?: string
}

export interface TypeCheck {
  app: string
  seconds: number
  ok: boolean
  errors: string
}

export interface Extras {
  coldStarts: ColdStart[]
  typeChecks: TypeCheck[]
}

const PORT = 18490

/**
 * Spawn to first 200 on /_sys/ready, then the server's RSS and the CPU it
 * used to get there (less disturbed than wall time on a busy machine). Unpinned, like a real deploy.
 */
export async function coldStartOnce(dir: string): Promise<{ ms: number; rss: number; cpuMs: number }> {
  await assertPortFree(PORT)
  const t0 = performance.now()
  const proc = start(process.execPath, servalServeArgs(dir, PORT, ['--log-level', 'warn']))
  try {
    await waitReady(proc, PORT, '/_sys/ready', 200, 20000)
    const ms = performance.now() - t0
    const pid = serverPid(proc.pid, PORT)
    return { ms, rss: rssMb(pid), cpuMs: cpuSeconds(pid) * 1000 }
  } finally {
    await stop(proc)
  }
}

export async function coldStart(app: string, dir: string, runs: number): Promise<ColdStart> {
  const times: number[] = []
  const rss: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      const r = await coldStartOnce(dir)
      times.push(r.ms)
      rss.push(r.rss)
    }
  } catch (err) {
    return { app, runs: times, medianMs: NaN, idleRssMb: NaN, error: (err as Error).message.slice(0, 2000) }
  }
  return { app, runs: times, medianMs: median(times), idleRssMb: median(rss) }
}

function hasSources(dir: string): boolean {
  const abs = join(ROOT, dir)
  return existsSync(abs) && readdirSync(abs, { recursive: true }).some((f) => /\.(m?ts|m?js)$/.test(String(f)))
}

export function typeCheck(app: string, tsconfig: string): TypeCheck {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [tsc, '-p', tsconfig, '--noEmit'], { cwd: ROOT, encoding: 'utf8' })
  const seconds = (performance.now() - t0) / 1000
  const out = `${r.stdout}${r.stderr}`.trim()
  return { app, seconds, ok: r.status === 0, errors: out.split('\n').slice(0, 15).join('\n') }
}

export async function runExtras(coldRuns: number, withBaseline: boolean): Promise<Extras> {
  const coldStarts: ColdStart[] = []
  if (hasSources('examples')) coldStarts.push(await coldStart('examples/', 'examples', coldRuns))
  else coldStarts.push({ app: 'examples/', runs: [], medianMs: NaN, idleRssMb: NaN, error: 'examples/ has no action files' })
  console.log(`  cold start examples/: ${coldStarts[0]!.medianMs.toFixed(0)} ms`)
  generateServeApp()
  coldStarts.push(await coldStart('200 actions (generated)', 'bench/.generated/actions200', coldRuns))
  console.log(`  cold start 200 actions: ${coldStarts[1]!.medianMs.toFixed(0)} ms`)
  const configs = generateTypecheckApps()
  const typeChecks = [typeCheck('200 actions, zod + TypeBox', configs.app200), typeCheck('200 actions + typed client (serval/client)', configs.client200)]
  if (withBaseline) typeChecks.push(typeCheck('1 action (baseline: Serval + schema libs)', configs.baseline))
  for (const t of typeChecks) console.log(`  type-check ${t.app}: ${t.seconds.toFixed(1)} s${t.ok ? '' : ' (with errors)'}`)
  return { coldStarts, typeChecks }
}
