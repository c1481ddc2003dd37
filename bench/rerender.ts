// Re-renders the report from bench/results/latest.json without measuring
// again (after a change to the summary or the report): `node --import tsx bench/rerender.ts`.
import { writeBenchmarksMd } from './lib/benchmarks-md.ts'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { selectContenders } from './lib/contenders.ts'
import { ROOT } from './lib/procs.ts'
import { markdown, type Report } from './lib/report.ts'
import type { ThroughputData } from './lib/rounds.ts'
import { serverRows, throughputRows } from './lib/summary.ts'
import { targets } from './lib/targets.ts'

const file = join(ROOT, 'bench/results/latest.json')
const saved = JSON.parse(readFileSync(file, 'utf8')) as Report & { raw: ThroughputData }
const contenders = selectContenders(saved.config.only)
const rows = throughputRows(saved.raw, contenders, saved.config.maxNoise)
const servers = serverRows(saved.raw, contenders)
const report: Report = { ...saved, rows, servers, targets: targets(saved.raw, rows, servers, saved.extras, saved.config.maxNoise) }
const md = markdown(report)
console.log(md)
if (process.argv.includes('--write')) {
  writeBenchmarksMd(ROOT, md)
  writeFileSync(file, `${JSON.stringify({ ...report, raw: saved.raw }, null, 2)}\n`)
  console.log('\nwrote BENCHMARKS.md and bench/results/latest.json')
}
