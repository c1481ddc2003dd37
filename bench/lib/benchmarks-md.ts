import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The sections other benchmarks maintain between their markers (`npm run bench:jobs`, `bench:channels`). */
const SECTIONS = ['jobs', 'channels']

/**
 * Writes BENCHMARKS.md with the HTTP report, keeping the sections that
 * `npm run bench:jobs` and `npm run bench:channels` maintain between their markers.
 *
 * @example
 * ```ts
 * writeBenchmarksMd(ROOT, markdown(report))
 * ```
 */
export function writeBenchmarksMd(root: string, md: string): void {
  const path = join(root, 'BENCHMARKS.md')
  const old = existsSync(path) ? readFileSync(path, 'utf8') : ''
  const kept = SECTIONS.map((name) => {
    const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`]
    const from = old.indexOf(start)
    const to = old.indexOf(end)
    return from >= 0 && to > from ? `\n${old.slice(from, to + end.length)}\n` : ''
  })
  writeFileSync(path, `${md}\n${kept.join('')}`)
}
