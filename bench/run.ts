// `npm run bench`: Serval against raw node:http, Fastify, Hono and Express on
// the same workloads in one run, plus Serval's cold start, memory and
// type-check budgets. Prints a markdown report and writes BENCHMARKS.md and
// bench/results/latest.json. See bench/README.md.
import { writeBenchmarksMd } from './lib/benchmarks-md.ts'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, type Config } from './lib/config.ts'
import { selectContenders } from './lib/contenders.ts'
import { runExtras, type Extras } from './lib/extras.ts'
import { machineFacts } from './lib/machine.ts'
import { ROOT, installCleanup, killAll } from './lib/procs.ts'
import { markdown, type Report } from './lib/report.ts'
import { serverRows, throughputRows } from './lib/summary.ts'
import { targets } from './lib/targets.ts'
import { runThroughput, type ThroughputData } from './lib/rounds.ts'

/** Only a complete run replaces the committed BENCHMARKS.md (BENCH_WRITE_MD=1 forces it). */
function isComplete(config: Config): boolean {
  return process.env.BENCH_WRITE_MD === '1' || (!config.quick && !config.only && !config.skipExtras)
}

function write(report: Report, data: ThroughputData): void {
  const md = markdown(report)
  console.log(`\n${md}\n`)
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true })
  writeFileSync(join(ROOT, 'bench/results/latest.json'), `${JSON.stringify({ ...report, raw: data }, null, 2)}\n`)
  if (isComplete(report.config)) {
    writeBenchmarksMd(ROOT, md)
    console.log('wrote BENCHMARKS.md and bench/results/latest.json')
  } else {
    console.log('wrote bench/results/latest.json (a quick or partial run leaves BENCHMARKS.md alone; BENCH_WRITE_MD=1 to force)')
  }
}

/** Rough time the extras take (cold starts of two apps, one or two type-checks). */
function extrasSeconds(config: Config): number {
  return config.coldStartRuns * 2 * 2 + (config.quick ? 8 : 16)
}

async function main(): Promise<void> {
  installCleanup()
  const t0 = performance.now()
  const config = loadConfig()
  const contenders = selectContenders(config.only)
  const machine = machineFacts()
  console.log(`bench: ${contenders.map((c) => c.id).join(', ')}; ${config.rounds} round(s), ${config.duration} s per workload`)

  const withExtras = !config.skipExtras && contenders.some((c) => c.id === 'serval')
  const data = await runThroughput(config, contenders, withExtras ? extrasSeconds(config) : 0)
  let extras: Extras | undefined
  if (withExtras) {
    console.log('serval extras: cold start, memory, type-check')
    extras = await runExtras(config.coldStartRuns, !config.quick)
  }

  const rows = throughputRows(data, contenders, config.maxNoise)
  const servers = serverRows(data, contenders)
  const report: Report = {
    date: new Date().toISOString(),
    config,
    machine,
    rows,
    servers,
    extras,
    targets: targets(data, rows, servers, extras, config.maxNoise),
    totalSeconds: (performance.now() - t0) / 1000,
  }
  write(report, data)
}

try {
  await main()
} catch (err) {
  console.error(`\nbench failed: ${(err as Error).message}`)
  process.exitCode = 1
} finally {
  killAll()
}
