import { mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { writeWholeSync } from '../internal/write-whole.ts'

/**
 * When each embedded `every` schedule runs next, kept in
 * `data_dir/schedules/next-runs.json`, so a restart does not start the
 * count again: a daily schedule on a service that restarts daily still
 * runs. A missing or unreadable file counts as empty.
 *
 * @example
 * ```ts
 * const runs = new NextRuns('.serval/schedules/next-runs.json')
 * runs.set('cleanup', Date.now() + 60_000)
 * runs.get('cleanup') // that time, also after a restart
 * ```
 */
export class NextRuns {
  readonly #path: string
  readonly #runs: Record<string, number>

  constructor(path: string) {
    this.#path = path
    this.#runs = read(path)
  }

  get(action: string): number | undefined {
    const at = this.#runs[action]
    return typeof at === 'number' && Number.isFinite(at) ? at : undefined
  }

  /** Records the next run and writes the file (a temp file renamed over it, so a crash leaves the old one). */
  set(action: string, at: number): void {
    this.#runs[action] = at
    mkdirSync(dirname(this.#path), { recursive: true })
    writeWholeSync(this.#path, JSON.stringify(this.#runs))
  }
}

function read(path: string): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.assign(Object.create(null) as Record<string, number>, parsed) : Object.create(null)
  } catch {
    return Object.create(null) as Record<string, number>
  }
}
