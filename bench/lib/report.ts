// Markdown for stdout and BENCHMARKS.md, and JSON for bench/results/latest.json.
import type { Config } from './config.ts'
import type { Extras } from './extras.ts'
import type { Machine } from './machine.ts'
import { LOAD_SATURATED, type Row, type ServerRow } from './summary.ts'
import type { Target } from './targets.ts'
import { WORKLOADS } from './workloads.ts'
import { fmt } from './stats.ts'

export interface Report {
  date: string
  config: Config
  machine: Machine
  rows: Row[]
  servers: ServerRow[]
  extras: Extras | undefined
  targets: Target[]
  totalSeconds: number
}


function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

function machineSection(m: Machine): string {
  return table(
    ['CPU', 'cores', 'memory', 'Node', 'kernel', 'Serval revision'],
    [[m.cpuModel, String(m.cores), `${m.memoryGb} GB`, m.node, m.kernel, m.revision ?? 'unknown']],
  )
}

function servalMode(servers: ServerRow[]): string {
  const s = servers.find((x) => x.contender === 'serval')
  if (!s) return ''
  return s.processes > 1
    ? `- Serval ran through \`node bin/serval.js serve\` as ${s.processes} processes: no current dist/ build, so the CLI re-ran itself from source under tsx.`
    : '- Serval ran through `node bin/serval.js serve` as one process (compiled dist/).'
}

/** Which load generator ran; the autocannon fallback is flagged, loudly, as capped. */
function generatorLine(c: Config): string {
  if (c.generator === 'wrk') return `- Load: wrk (one thread, pinned), ${c.connections} connections, keep-alive, 127.0.0.1 only; its CPU is read per workload.`
  return (
    `- **Load: autocannon (FALLBACK: wrk was not found). autocannon is JavaScript on one core and saturates before fast servers do: ` +
    `the ratios below are capped by the load generator and do not measure the servers. Install wrk (\`apt-get install wrk\`) and run again.**`
  )
}

function methodSection(r: Report): string {
  const c = r.config
  const pin = r.machine.taskset
    ? `server pinned to CPU ${c.serverCpu}, load generator to CPU ${c.loadCpu} (taskset)`
    : 'no pinning (taskset not found)'
  return [
    generatorLine(c),
    `- Per server start: ${c.warmup} s warm-up per workload, then ${c.duration} s measured per workload.`,
    `- ${c.rounds} round(s), contenders interleaved (each round starts every server afresh); medians across the usable rounds (quiet, generator not saturated; all uncapped rounds when none was).`,
    `- ${pin}.`,
    `- Noise control: before each server start the harness waits (≤ ${c.quietWait} s) for the machine to be quiet; a contender whose measurement overlapped other processes using > ${c.maxNoise * 100}% of a core is measured again (≤ ${c.maxRetries} redos per run and only while the ${c.budget} s time budget allows; the quietest attempt is kept).`,
    '- Every contender is verified (status, content type, X-Request-Id, exact body) before and after its load run; any non-expected status or socket error during load aborts the run.',
    c.generator === 'wrk'
      ? '- Latency percentiles are wrk\'s (every response, µs resolution). Under load wrk counts answers ≥ 400, not each code: a 200 workload must have none, the 422 workload only those; the exact status, headers and body are verified before and after.'
      : '- Latency percentiles are computed from every response time (µs resolution), not autocannon\'s 1 ms histogram.',
    `- A round whose load generator used more than ${LOAD_SATURATED * 100}% of its core is not used for a ratio (nor is a noisy one); "gen CPU" shows the generator's share of its core.`,
    servalMode(r.servers),
    `- Whole run took ${fmt(r.totalSeconds)} s${c.quick ? ' (BENCH_QUICK=1: smoke numbers, not for decisions)' : ''}.`,
  ]
    .filter(Boolean)
    .join('\n')
}

function throughputSection(rows: Row[]): string {
  const body: string[][] = []
  for (const w of WORKLOADS) {
    for (const r of rows.filter((x) => x.workload === w.id)) {
      const capped = r.capped ? ' †' : ''
      body.push([
        w.label,
        r.label,
        `${fmt(r.rps)}${capped}`,
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.xRaw, 2),
        fmt(r.xFastify, 2),
        `${fmt(r.serverCpu * 100)}%`,
        `${fmt(r.loadCpu * 100)}%`,
        fmt(1e6 / r.perCpu, 1),
        fmt(r.xRawCpu, 2),
        fmt(r.xFastifyCpu, 2),
        `${fmt(r.otherCpu * 100)}%`,
        `${r.used}/${r.rounds}`,
      ])
    }
  }
  const head = ['workload', 'contender', 'req/s', 'p50 ms', 'p99 ms', '× raw', '× Fastify', 'server CPU', 'gen CPU', 'server CPU µs/req', '× raw', '× Fastify', 'noise', 'rounds used']
  const note = [
    `† the load generator used > ${LOAD_SATURATED * 100}% of its core in every round: that number is capped by the load generator, and its req/s ratios are not reported (n/a).`,
    'gen CPU: the highest share of its core the load generator used in the rounds used.',
    'server CPU: share of its one core the server used while measured (< 90% means something else limited it).',
    'server CPU µs/req: server CPU time per request (the second × raw / × Fastify compare its inverse, requests per CPU-second): what each server costs per request; unaffected by load-generator limits and less sensitive to noise than req/s (not immune: the two vCPUs may share a physical core).',
    'noise: CPU used meanwhile by other processes on the machine, in % of one core.',
    'rounds used: medians are taken over the usable rounds (quiet, generator not saturated) when there are any, else over all rounds.',
  ].join('\n')
  return `${table(head, body)}\n\n${note}`
}

function servalVsFastify(rows: Row[]): string {
  const lines = WORKLOADS.map((w) => {
    const s = rows.find((r) => r.workload === w.id && r.contender === 'serval')
    if (!s) return ''
    const perCpu = `per CPU-s ${fmt(s.xFastifyCpu, 2)}× and ${fmt(s.xRawCpu, 2)}×`
    return `- ${w.label}: Serval/Fastify = ${fmt(s.xFastify, 2)}×, Serval/raw = ${fmt(s.xRaw, 2)}× (${perCpu})`
  }).filter(Boolean)
  return lines.length ? lines.join('\n') : '_Serval was not part of this run._'
}

function serversSection(servers: ServerRow[]): string {
  const t = table(
    ['contender', 'spawn → ready ms', 'idle RSS MB', 'peak RSS under load MB', 'processes', 'idle RSS of all processes MB'],
    servers.map((s) => [s.label, fmt(s.readyMs), fmt(s.idleRssMb, 1), fmt(s.peakRssMb, 1), String(s.processes), fmt(s.treeRssMb, 1)]),
  )
  const note =
    'RSS is VmRSS of the process holding the listening socket, read right after readiness (idle) and every 200 ms under load (peak). ' +
    'The four other contenders run their TypeScript through tsx, which costs about 35 MB on its own (a bare node:http server: ~43 MB plain, ~78 MB under `--import tsx` on Node 20); Serval runs the way `bin/serval.js` chooses (compiled dist/ when current, else re-run from source under tsx). ' +
    'Server spawn → ready is pinned to one core and includes tsx start-up. ' +
    '"processes" counts the spawned tree (e.g. a CLI wrapper that re-runs node with loader flags).'
  return `${t}\n\n${note}`
}

function extrasSection(e: Extras | undefined): string {
  if (!e) return '_Skipped (Serval not in this run, or BENCH_SKIP_EXTRAS=1)._'
  const cold = table(
    ['app', 'median cold start ms', 'runs ms', 'idle RSS MB'],
    e.coldStarts.map((c) => [c.app, c.error ? `failed: ${c.error.split('\n')[0]}` : fmt(c.medianMs), c.runs.map((x) => fmt(x)).join(', '), fmt(c.idleRssMb, 1)]),
  )
  const tc = table(
    ['app', 'tsc --noEmit s', 'clean'],
    e.typeChecks.map((t) => [t.app, fmt(t.seconds, 1), t.ok ? 'yes' : 'no']),
  )
  const errs = e.typeChecks.filter((t) => !t.ok).map((t) => `\n\ntsc errors (${t.app}), first lines:\n\n\`\`\`\n${t.errors}\n\`\`\``)
  return `Cold start: spawn of \`node bin/serval.js serve DIR\` to the first 200 on \`/_sys/ready\` (unpinned).\n\n${cold}\n\nType-check time of generated apps (the tsconfig extends the repo's; Serval's own sources are checked too, as users get them through the package's \`exports\`).\n\n${tc}${errs.join('')}`
}

function targetsSection(t: Target[]): string {
  if (!t.length) return '_No Serval numbers in this run._'
  const mark = (p: boolean | undefined) => (p === undefined ? 'n/a' : p ? 'PASS' : 'FAIL')
  const body = t.map((x) => [x.name, x.goal, x.measured, x.paired ?? '', mark(x.pass)])
  const rows = table(['target', 'goal', 'measured (ratio of medians)', 'paired: same round, both quiet', 'result'], body)
  const note =
    'Throughput and p99 targets are judged on the paired ratio (Serval and the reference measured in the same round, both usable: quiet, generator not saturated), ' +
    'falling back to the ratio of medians when no round was usable for both. Rounds are seconds apart, so pairing cancels slow drift on a shared machine.'
  return `${rows}\n\n${note}`
}

export function markdown(r: Report): string {
  return [
    '# Serval benchmarks',
    `Generated by \`npm run bench\` on ${r.date}. Re-run it to refresh this file; see bench/README.md.`,
    `## Machine\n\n${machineSection(r.machine)}`,
    `## Method\n\n${methodSection(r)}`,
    `## Throughput (median of the usable rounds out of ${r.config.rounds})\n\n${throughputSection(r.rows)}`,
    `### Serval relative to Fastify and raw node:http\n\n${servalVsFastify(r.rows)}`,
    `## Startup and memory of the benchmark servers\n\n${serversSection(r.servers)}`,
    `## Serval cold start and type-check\n\n${extrasSection(r.extras)}`,
    `## Targets\n\n${targetsSection(r.targets)}`,
  ].join('\n\n')
}
