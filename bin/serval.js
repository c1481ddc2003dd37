#!/usr/bin/env node
// Runs the compiled CLI (dist/) when it is up to date with src/; otherwise
// re-runs itself from source under tsx, so an edit never runs stale code.
// tsx is Serval's own dependency: it is resolved from this file, never from
// the working directory, where a project that depends on Serval has none.
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'

// The young generation keeps its first size while everything loads: start-up
// garbage would grow it to its maximum, RSS an idle server keeps for nothing.
// Long-running commands let it grow once started (src/internal/young-generation.ts).
if (![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('semi-space'))) setFlagsFromString('--semi-space-growth-factor=1')

const root = fileURLToPath(new URL('..', import.meta.url))
const argv = process.argv.slice(2)

function newest(dir) {
  let max = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) max = Math.max(max, newest(path))
    else if (!/\.test(-d)?\.ts$/.test(entry.name)) max = Math.max(max, statSync(path).mtimeMs)
  }
  return max
}

function built() {
  try {
    return statSync(`${root}dist/.stamp`).mtimeMs >= newest(`${root}src`)
  } catch {
    return false
  }
}

if (process.env.SERVAL_FROM_SOURCE === '1' && process.execArgv.some((arg) => arg.includes('tsx'))) {
  const { main } = await import('../src/cli/main.ts')
  process.exitCode = await main(argv)
} else if (built()) {
  const { main } = await import('../dist/cli/main.js')
  process.exitCode = await main(argv)
} else {
  const tsx = import.meta.resolve('tsx')
  const child = spawn(process.execPath, ['--conditions=serval-source', '--import', tsx, fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    env: { ...process.env, SERVAL_FROM_SOURCE: '1' },
  })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => (process.exitCode = code ?? (signal ? 1 : 0)))
}
