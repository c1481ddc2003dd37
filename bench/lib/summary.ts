// Turns raw samples into medians, ratios and pass/fail targets.
import type { Contender } from './contenders.ts'
import type { Extras } from './extras.ts'
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

export interface Target {
  name: string
  goal: string
  measured: string
  pass: boolean | undefined
  /** The same comparison on requests per server CPU-second, for throughput targets. */
  perCpu?: { measured: string; pass: boolean | undefined }
}

type BaseRow = Omit<Row, 'xRaw' | 'xFastify' | 'xRawCpu' | 'xFastifyCpu'>

function rowFor(data: ThroughputData, c: Contender, workload: string): BaseRow {
  const s = data.samples.filter((x) => x.contender === c.id && x.workload === workload)
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
  }
}

export function throughputRows(data: ThroughputData, contenders: Contender[]): Row[] {
  const rows: Row[] = []
  for (const w of WORKLOADS) {
    const base = contenders.map((c) => rowFor(data, c, w.id))
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

const check = (v: number, ok: (v: number) => boolean) => (Number.isFinite(v) ? ok(v) : undefined)

function throughputTargets(rows: Row[], maxNoise: number): Target[] {
  const targets: Target[] = []
  const tag = (...r: Array<Row | undefined>) => (r.some((x) => x && x.otherCpu > maxNoise) ? ' (noisy)' : '')
  for (const w of WORKLOADS) {
    const get = (id: string) => rows.find((r) => r.workload === w.id && r.contender === id)
    const s = get('serval')
    const f = get('fastify')
    if (!s) continue
    const r = get('raw')
    const p99x = ratio(s.p99, f?.p99 ?? NaN)
    const x = (v: number, tagged: string) => `${v.toFixed(2)}×${tagged}`
    const atLeast = (min: number) => (v: number) => v >= min
    targets.push(
      {
        name: `${w.id}: req/s vs Fastify`,
        goal: '≥ 0.95×',
        measured: x(s.xFastify, tag(s, f)),
        pass: check(s.xFastify, atLeast(0.95)),
        perCpu: { measured: x(s.xFastifyCpu, ''), pass: check(s.xFastifyCpu, atLeast(0.95)) },
      },
      {
        name: `${w.id}: req/s vs raw node:http`,
        goal: '≥ 0.80×',
        measured: x(s.xRaw, tag(s, r)),
        pass: check(s.xRaw, atLeast(0.8)),
        perCpu: { measured: x(s.xRawCpu, ''), pass: check(s.xRawCpu, atLeast(0.8)) },
      },
      { name: `${w.id}: p99 vs Fastify`, goal: '≤ 1.2×', measured: x(p99x, tag(s, f)), pass: check(p99x, (v) => v <= 1.2) },
    )
  }
  return targets
}

function extraTargets(servers: ServerRow[], extras: Extras | undefined): Target[] {
  const targets: Target[] = []
  const idle = servers.find((s) => s.contender === 'serval')?.idleRssMb ?? NaN
  if (servers.some((s) => s.contender === 'serval')) {
    targets.push({ name: 'idle RSS (bench/actions)', goal: '< 80 MB', measured: `${idle.toFixed(1)} MB`, pass: check(idle, (v) => v < 80) })
  }
  if (!extras) return targets
  const [examples, big] = extras.coldStarts
  const cold = (c: typeof examples, limit: number, goal: string): Target => ({
    name: `cold start ${c?.app ?? ''}`,
    goal,
    measured: c && Number.isFinite(c.medianMs) ? `${c.medianMs.toFixed(0)} ms` : `n/a (${c?.error?.split('\n')[0] ?? 'not run'})`,
    pass: check(c?.medianMs ?? NaN, (v) => v < limit),
  })
  targets.push(cold(examples, 300, '< 300 ms'), cold(big, 1500, '< 1.5 s'))
  const tc = extras.typeChecks[0]
  if (tc) {
    const measured = `${tc.seconds.toFixed(1)} s${tc.ok ? '' : ' (tsc reported errors)'}`
    targets.push({ name: 'type-check 200-action app', goal: '< 10 s', measured, pass: tc.ok && tc.seconds < 10 })
  }
  return targets
}

export function targets(rows: Row[], servers: ServerRow[], extras: Extras | undefined, maxNoise: number): Target[] {
  return [...throughputTargets(rows, maxNoise), ...extraTargets(servers, extras)]
}
