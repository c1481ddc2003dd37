// Turns raw samples into per-contender medians and ratios.
import type { Contender } from './contenders.ts'
import type { ThroughputData } from './rounds.ts'
import type { Sample } from './throughput.ts'
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
  /** Rounds whose sample was used (the quiet, uncapped ones when there are any) and rounds run. */
  used: number
  /** True when every round had the load generator's core saturated: the ratios measure the generator. */
  capped: boolean
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

/** Above this share of its core the load generator may have capped the number. */
export const LOAD_SATURATED = 0.9

/** A sample a ratio may use: the generator's core was not the limit, and the machine was quiet. */
export function usable(x: Sample, maxNoise: number): boolean {
  return x.loadCpu <= LOAD_SATURATED && x.otherCpu <= maxNoise
}

/**
 * Medians over the usable rounds (quiet, generator not saturated) when there
 * are any; else over the uncapped rounds, else all (then the row is marked
 * capped and its ratios are not used): a round disturbed by other work says
 * more about that work than about the server, and a round whose generator
 * was saturated measures the generator.
 */
function rowFor(data: ThroughputData, c: Contender, workload: string, maxNoise: number): BaseRow {
  const all = data.samples.filter((x) => x.contender === c.id && x.workload === workload)
  const good = all.filter((x) => usable(x, maxNoise))
  const uncapped = all.filter((x) => x.loadCpu <= LOAD_SATURATED)
  const s = good.length ? good : uncapped.length ? uncapped : all
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
    capped: uncapped.length === 0,
  }
}

export function throughputRows(data: ThroughputData, contenders: Contender[], maxNoise: number): Row[] {
  const rows: Row[] = []
  for (const w of WORKLOADS) {
    const base = contenders.map((c) => rowFor(data, c, w.id, maxNoise))
    const raw = base.find((r) => r.contender === 'raw')
    const fastify = base.find((r) => r.contender === 'fastify')
    // A ratio with a capped side measures the load generator: not reported.
    const rps = (x: BaseRow | undefined) => (x === undefined || x.capped ? NaN : x.rps)
    for (const r of base) {
      rows.push({
        ...r,
        xRaw: ratio(rps(r), rps(raw)),
        xFastify: ratio(rps(r), rps(fastify)),
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
