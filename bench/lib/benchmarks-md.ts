import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const START = '<!-- jobs:start -->'
const END = '<!-- jobs:end -->'

/**
 * Writes BENCHMARKS.md with the HTTP report, keeping the jobs section that
 * `npm run bench:jobs` maintains between its markers.
 *
 * @example
 * ```ts
 * writeBenchmarksMd(ROOT, markdown(report))
 * ```
 */
export function writeBenchmarksMd(root: string, md: string): void {
  const path = join(root, 'BENCHMARKS.md')
  const old = existsSync(path) ? readFileSync(path, 'utf8') : ''
  const from = old.indexOf(START)
  const to = old.indexOf(END)
  const jobs = from >= 0 && to > from ? `\n${old.slice(from, to + END.length)}\n` : ''
  writeFileSync(path, `${md}\n${jobs}`)
}
