import type { ChildProcess } from 'node:child_process'
import { runCli, startCli, waitForLine, type CliResult } from './cli.ts'

/** Starts `serval ARGS` as ONE process running the source, so a test can `kill -9` exactly the process that serves. */
export function spawnServal(args: string[], env: Record<string, string> = {}): ChildProcess {
  return startCli(args, { env, fromSource: true })
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
export function runServal(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  return runCli(args, { env, fromSource: true, timeoutMs })
}
