// Facts about the machine, written next to the numbers they explain.
import { readFileSync } from 'node:fs'
import { cpus, totalmem, release } from 'node:os'
import { spawnSync } from 'node:child_process'
import { ROOT, hasTaskset } from './procs.ts'

export interface Machine {
  cpuModel: string
  cores: number
  memoryGb: number
  node: string
  kernel: string
  taskset: boolean
  /** The commit measured, `+dirty` when the work tree had changes. */
  revision: string
}

function revision(): string {
  const git = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' })
  const head = git(['rev-parse', '--short', 'HEAD'])
  if (head.status !== 0) return 'unknown'
  const dirty = git(['status', '--porcelain', '--', 'src', 'bin']).stdout.trim() !== ''
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (m) return m[1]!.trim()
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown'
}

export function machineFacts(): Machine {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    taskset: hasTaskset(),
    revision: revision(),
  }
}
