// Turns raw samples into per-contender medians and ratios.
import type { Contender } from './contenders.ts'
import type { ThroughputData } from './rounds.ts'
import { WORKLOADS } from './workloads.ts'
import { median, ratio } from './stats.ts'

export interface Row {
  contender: string
  label: string
  workload: string
  rps: number
  p50: number
  p99: number
  xRaw: number
  xFastify: number
  /** Requests per second of server CPU: throughput with noise and load-generator limits factored out. */
  perCpu: number
  xRawCpu: number
  xFastifyCpu: number
  serverCpu: number
  loadCpu: number
  otherCpu: number
  /** Rounds whose sample was used (the quiet ones when there are any) and rounds run. */
  used: number
  rounds: number
}

export interface ServerRow {
  contender: string
  label: string
  readyMs: number
  idleRssMb: number
  peakRssMb: number
  processes: number
  treeRssMb: number
}

type BaseRow = Omit<Row, 'xRaw' | 'xFastify' | 'xRawCpu' | 'xFastifyCpu'>

/**
 * Medians over the quiet rounds (noise ≤ maxNoise) when there are any, else
 * over all rounds: a round disturbed by other work on the machine says more
 * about that work than about the server.
 */
function rowFor(data: ThroughputData, c: Contender, workload: string, maxNoise: number): BaseRow {
  const all = data.samples.filter((x) => x.contender === c.id && x.workload === workload)
  const quiet = all.filter((x) => x.otherCpu <= maxNoise)
  const s = quiet.length ? quiet : all
  return {
    contender: c.id,
    label: c.label,
    workload,
    rps: median(s.map((x) => x.rps)),
    perCpu: median(s.map((x) => x.rps / x.serverCpu)),
    p50: median(s.map((x) => x.p50)),
    p99: median(s.map((x) => x.p99)),
    serverCpu: median(s.map((x) => x.serverCpu)),
    loadCpu: Math.max(...s.map((x) => x.loadCpu)),
    otherCpu: median(s.map((x) => x.otherCpu)),
    used: s.length,
    rounds: all.length,
  }
}

export function throughputRows(data: ThroughputData, contenders: Contender[], maxNoise: number): Row[] {
  const rows: Row[] = []
  for (const w of WORKLOADS) {
    const base = contenders.map((c) => rowFor(data, c, w.id, maxNoise))
    const raw = base.find((r) => r.contender === 'raw')
    const fastify = base.find((r) => r.contender === 'fastify')
    for (const r of base) {
      rows.push({
        ...r,
        xRaw: ratio(r.rps, raw?.rps ?? NaN),
        xFastify: ratio(r.rps, fastify?.rps ?? NaN),
        xRawCpu: ratio(r.perCpu, raw?.perCpu ?? NaN),
        xFastifyCpu: ratio(r.perCpu, fastify?.perCpu ?? NaN),
      })
    }
  }
  return rows
}

export function serverRows(data: ThroughputData, contenders: Contender[]): ServerRow[] {
  return contenders.map((c) => {
    const s = data.servers.filter((x) => x.contender === c.id)
    return {
      contender: c.id,
      label: c.label,
      readyMs: median(s.map((x) => x.readyMs)),
      idleRssMb: median(s.map((x) => x.idleRssMb)),
      peakRssMb: median(s.map((x) => x.peakRssMb)),
      processes: Math.max(...s.map((x) => x.processes)),
      treeRssMb: median(s.map((x) => x.treeRssMb)),
    }
  })
}
