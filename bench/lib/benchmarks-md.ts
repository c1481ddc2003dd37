import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Sections other tools or people maintain between markers; a bench run keeps them. */
const KEPT = ['hotpath', 'jobs', 'channels', 'graphql', 'cache', 'ops', 'types']

function kept(old: string, name: string): string {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = old.indexOf(start)
  const to = old.indexOf(end)
  return from >= 0 && to > from ? `\n${old.slice(from, to + end.length)}\n` : ''
}

/**
 * Writes BENCHMARKS.md with the HTTP report, keeping the sections between
 * markers: the hot-path measurements (written by hand) and the sections
 * that `npm run bench:jobs` and `npm run bench:channels` maintain.
 *
 * @example
 * ```ts
 * writeBenchmarksMd(ROOT, markdown(report))
 * ```
 */
export function writeBenchmarksMd(root: string, md: string): void {
  const path = join(root, 'BENCHMARKS.md')
  const old = existsSync(path) ? readFileSync(path, 'utf8') : ''
  writeFileSync(path, `${md}\n${KEPT.map((name) => kept(old, name)).join('')}`)
}

/**
 * Writes one section of BENCHMARKS.md between `<!-- name:start -->` and
 * `<!-- name:end -->` (added at the end when missing); nothing else changes.
 *
 * @example
 * ```ts
 * writeMarkedSection(ROOT, 'jobs', '## Jobs\n…')
 * ```
 */
export function writeMarkedSection(root: string, name: string, md: string): void {
  const path = join(root, 'BENCHMARKS.md')
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`]
  let text = existsSync(path) ? readFileSync(path, 'utf8') : ''
  if (!text.includes(start) || !text.includes(end)) text = `${text}${text && !text.endsWith('\n') ? '\n' : ''}\n${start}\n${end}\n`
  writeFileSync(path, `${text.slice(0, text.indexOf(start) + start.length)}\n${md}\n${text.slice(text.indexOf(end))}`)
}
