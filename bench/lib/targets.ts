// The budgets for Serval, checked against a run. Throughput targets
// are judged on paired ratios: Serval and the reference measured in the same
// round, both quiet; the ratio of medians is shown beside them.
import type { Extras } from './extras.ts'
import type { ThroughputData } from './rounds.ts'
import type { Sample } from './throughput.ts'
import { usable, type Row, type ServerRow } from './summary.ts'
import { WORKLOADS } from './workloads.ts'
import { median, ratio } from './stats.ts'

export interface Target {
  name: string
  goal: string
  /** Ratio of the medians (or the measured value for non-throughput targets). */
  measured: string
  /** Median of per-round ratios over rounds where both sides were quiet, with how many. */
  paired?: string
  pass: boolean | undefined
}

const check = (v: number, ok: (v: number) => boolean) => (Number.isFinite(v) ? ok(v) : undefined)

interface Pairing {
  data: ThroughputData
  maxNoise: number
}

/** Median over usable rounds (quiet, generator not saturated) of metric(serval) / metric(ref); NaN when no round was quiet for both. */
function paired(p: Pairing, ref: string, workload: string, metric: (s: Sample) => number): { value: number; n: number } {
  const pick = (id: string, round: number) =>
    p.data.samples.find((x) => x.contender === id && x.workload === workload && x.round === round && usable(x, p.maxNoise))
  const ratios: number[] = []
  for (const s of p.data.samples.filter((x) => x.contender === 'serval' && x.workload === workload)) {
    const a = pick('serval', s.round)
    const b = pick(ref, s.round)
    if (a && b) ratios.push(ratio(metric(a), metric(b)))
  }
  return { value: median(ratios), n: ratios.length }
}

function ratioTarget(p: Pairing, rows: Row[], w: string, ref: string, what: 'rps' | 'p99', goal: [string, (v: number) => boolean]): Target {
  const s = rows.find((r) => r.workload === w && r.contender === 'serval')
  const r = rows.find((x) => x.workload === w && x.contender === ref)
  const capped = Boolean(s?.capped || r?.capped)
  const ofMedians = capped ? NaN : ratio(s?.[what] ?? NaN, r?.[what] ?? NaN)
  const pair = paired(p, ref, w, (x) => x[what])
  const refName = ref === 'raw' ? 'raw node:http' : 'Fastify'
  return {
    name: `${w}: ${what === 'rps' ? 'req/s' : 'p99'} vs ${refName}`,
    goal: goal[0],
    measured: capped ? 'n/a (load generator saturated in every round)' : `${ofMedians.toFixed(2)}×`,
    paired: pair.n ? `${pair.value.toFixed(2)}× (${pair.n} round${pair.n > 1 ? 's' : ''})` : 'no usable pair',
    pass: check(pair.n ? pair.value : ofMedians, goal[1]),
  }
}

function throughputTargets(p: Pairing, rows: Row[]): Target[] {
  const out: Target[] = []
  for (const w of WORKLOADS) {
    if (!rows.some((r) => r.workload === w.id && r.contender === 'serval')) continue
    // The 422 path is where Serval's precompiled problem documents should beat Fastify's error path.
    const vsFastify: [string, (v: number) => boolean] = w.expectStatus === 422 ? ['≥ 1.2×', (v) => v >= 1.2] : ['≥ 0.95×', (v) => v >= 0.95]
    out.push(
      ratioTarget(p, rows, w.id, 'fastify', 'rps', vsFastify),
      ratioTarget(p, rows, w.id, 'raw', 'rps', ['≥ 0.85×', (v) => v >= 0.85]),
      ratioTarget(p, rows, w.id, 'fastify', 'p99', ['≤ 1.2×', (v) => v <= 1.2]),
    )
  }
  return out
}

function extraTargets(servers: ServerRow[], extras: Extras | undefined): Target[] {
  const targets: Target[] = []
  const idle = servers.find((s) => s.contender === 'serval')?.idleRssMb ?? NaN
  if (servers.some((s) => s.contender === 'serval')) {
    targets.push({ name: 'idle RSS (bench/actions)', goal: '≤ 80 MB', measured: `${idle.toFixed(1)} MB`, pass: check(idle, (v) => v <= 80) })
  }
  if (!extras) return targets
  const [examples, big] = extras.coldStarts
  const rss = examples?.idleRssMb ?? NaN
  targets.push({ name: 'idle RSS of `serval serve examples`', goal: '≤ 80 MB', measured: `${rss.toFixed(1)} MB`, pass: check(rss, (v) => v <= 80) })
  const cold = (c: typeof examples, limit: number, goal: string): Target => ({
    name: `cold start ${c?.app ?? ''}`,
    goal,
    measured: c && Number.isFinite(c.medianMs) ? `${c.medianMs.toFixed(0)} ms` : `n/a (${c?.error?.split('\n')[0] ?? 'not run'})`,
    pass: check(c?.medianMs ?? NaN, (v) => v <= limit),
  })
  targets.push(cold(examples, 400, '≤ 400 ms'), cold(big, 1500, '< 1.5 s'))
  const tc = extras.typeChecks[0]
  if (tc) {
    const measured = `${tc.seconds.toFixed(1)} s${tc.ok ? '' : ' (tsc reported errors)'}`
    targets.push({ name: 'type-check 200-action app', goal: '< 10 s', measured, pass: tc.ok && tc.seconds < 10 })
  }
  const client = extras.typeChecks.find((t) => t.app.includes('typed client'))
  if (client) {
    const measured = `${client.seconds.toFixed(1)} s${client.ok ? '' : ' (tsc reported errors)'}`
    targets.push({ name: 'type-check 200-action typed client', goal: '< 10 s', measured, pass: client.ok && client.seconds < 10 })
  }
  return targets
}

export function targets(data: ThroughputData, rows: Row[], servers: ServerRow[], extras: Extras | undefined, maxNoise: number): Target[] {
  return [...throughputTargets({ data, maxNoise }, rows), ...extraTargets(servers, extras)]
}
