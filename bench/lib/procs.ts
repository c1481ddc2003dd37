// Child processes of the harness: spawned in their own process group, tracked,
// and all killed on exit, error or signal so no server outlives a run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '')

const live = new Set<ChildProcess>()
const HAS_TASKSET = spawnSync('which', ['taskset']).status === 0

export function hasTaskset(): boolean {
  return HAS_TASKSET
}

export interface Spawned {
  child: ChildProcess
  pid: number
  /** Last 16 KB of stdout + stderr, for error messages. */
  output: () => string
  exited: Promise<number | null>
}

/** Spawns `cmd args` in ROOT, pinned to `cpu` when taskset exists. */
export function start(cmd: string, args: string[], opts: { cpu?: number; env?: Record<string, string> } = {}): Spawned {
  const pinned = opts.cpu !== undefined && HAS_TASKSET
  const [file, argv] = pinned ? ['taskset', ['-c', String(opts.cpu), cmd, ...args]] : [cmd, args]
  const child = spawn(file, argv, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', ...opts.env },
  })
  live.add(child)
  let tail = ''
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-16384)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      live.delete(child)
      resolve(code)
    })
    child.on('error', () => resolve(-1))
  })
  if (child.pid === undefined) throw new Error(`could not spawn ${cmd}`)
  return { child, pid: child.pid, output: () => tail, exited }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is already gone
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process exited. */
export async function stop(p: Spawned, graceMs = 2000): Promise<void> {
  signalGroup(p.child, 'SIGTERM')
  const timer = setTimeout(() => signalGroup(p.child, 'SIGKILL'), graceMs)
  await p.exited
  clearTimeout(timer)
  // The group may hold grandchildren that outlived their parent.
  try {
    process.kill(-p.pid, 'SIGKILL')
  } catch {
    // nothing left
  }
}

/** Synchronous last resort, safe inside an 'exit' handler. */
export function killAll(): void {
  for (const child of live) signalGroup(child, 'SIGKILL')
  live.clear()
}

export function installCleanup(): void {
  process.on('exit', killAll)
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      console.error(`\n${sig}: stopping every child process`)
      killAll()
      process.exit(130)
    })
  }
  process.on('uncaughtException', (err) => {
    console.error(err)
    killAll()
    process.exit(1)
  })
  process.on('unhandledRejection', (err) => {
    console.error(err)
    killAll()
    process.exit(1)
  })
}

/** One GET to 127.0.0.1; resolves with the status, or 0 when nothing answers. */
export function probe(port: number, path: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(0))
    req.end()
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls until `path` answers (any status, or exactly `want`); returns ms waited. */
export async function waitReady(p: Spawned, port: number, path: string, want?: number, timeoutMs = 30000): Promise<number> {
  const t0 = performance.now()
  let exited = false
  void p.exited.then(() => (exited = true))
  for (;;) {
    const status = await probe(port, path)
    if (status !== 0 && (want === undefined || status === want)) return performance.now() - t0
    if (exited) throw new Error(`server exited before it was ready:\n${p.output()}`)
    if (performance.now() - t0 > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms (last status ${status}):\n${p.output()}`)
    await sleep(5)
  }
}

/** Fails loudly when something already answers on `port` (a stale server would be measured instead). */
export async function assertPortFree(port: number): Promise<void> {
  if ((await probe(port, '/', 300)) !== 0) throw new Error(`port ${port} already answers: stop whatever runs there`)
}
