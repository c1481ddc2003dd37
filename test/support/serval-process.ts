import { spawn, type ChildProcess } from 'node:child_process'
import { BIN, ROOT, waitForLine } from './cli.ts'

/**
 * Starts `serval ARGS` as ONE process running the source (no re-spawn by
 * bin/serval.js), so a test can `kill -9` exactly the process that serves.
 */
export function spawnServal(args: string[], env: Record<string, string> = {}): ChildProcess {
  const clean: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SERVAL_')) clean[k] = v
  return spawn(process.execPath, ['--conditions=serval-source', '--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    env: { ...clean, SERVAL_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** Starts `serval serve ARGS --port 0` and resolves with the child and its URL once it listens. */
export async function spawnServer(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnServal(['serve', ...args, '--port', '0', '--log-level', 'info'], env)
  const line = await waitForLine(child, /listening on http:\/\/[\d.:]+/, 30_000)
  return { child, url: /listening on (http:\/\/[\d.:]+)/.exec(line)![1]! }
}

/** Stops a child (SIGTERM, then SIGKILL) and waits for it to exit. */
export async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await gone
  clearTimeout(timer)
}

/** Runs `serval ARGS` (from source, one process) to completion and returns its exit code and output. */
export function runServal(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnServal(args, env)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => (stdout += d))
    child.stderr?.on('data', (d: Buffer) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serval ${args.join(' ')} timed out\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
