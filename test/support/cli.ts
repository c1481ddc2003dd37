import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/serval.js', import.meta.url))

/** What a finished CLI run printed and returned. */
export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `serval ARGS` to completion (bounded), with a clean SERVAL_* environment. */
export function runCli(args: string[], options: StartOptions & { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, options)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => (stdout += d))
    child.stderr?.on('data', (d: Buffer) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serval ${args.join(' ')} timed out\n${stdout}\n${stderr}`))
    }, options.timeoutMs ?? 20_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
    else child.stdin?.end()
  })
}

/** How to start the CLI. */
export interface StartOptions {
  cwd?: string
  env?: Record<string, string>
  /** Run the source under tsx in ONE process (no re-spawn by bin/serval.js), so a test can `kill -9` the very process that serves. */
  fromSource?: boolean
}

/** Starts `serval ARGS` and returns the child (for long-running commands). */
export function startCli(args: string[], options: StartOptions = {}): ChildProcess {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SERVAL_')) env[k] = v
  const node = options.fromSource ? ['--conditions=serval-source', '--import', 'tsx', BIN] : [BIN]
  if (options.fromSource) env.SERVAL_FROM_SOURCE = '1'
  return spawn(process.execPath, [...node, ...args], { cwd: options.cwd ?? ROOT, env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] })
}

/** Resolves with the first stdout/stderr line matching `pattern`, or rejects when the process exits or time runs out. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => done(new Error(`no line matching ${pattern} in time:\n${buffer}`)), timeoutMs)
    const onData = (d: Buffer) => {
      buffer += d
      const line = buffer.split('\n').find((l) => pattern.test(l))
      if (line) done(undefined, line)
    }
    const onExit = (code: number | null) => done(new Error(`exited (${code}) before ${pattern}:\n${buffer}`))
    function done(error?: Error, line?: string) {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      if (error) reject(error)
      else resolve(line as string)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', onExit)
  })
}

/** Resolves with the exit code once the child exits. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))))
}
