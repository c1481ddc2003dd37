// Facts about the machine, written next to the numbers they explain.
import { readFileSync } from 'node:fs'
import { cpus, totalmem, release } from 'node:os'
import { hasTaskset } from './procs.ts'

export interface Machine {
  cpuModel: string
  cores: number
  memoryGb: number
  node: string
  kernel: string
  taskset: boolean
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
  }
}
