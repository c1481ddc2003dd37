import type { JobRecord } from '../jobs/index.ts'

/** Where progress goes: stderr, or anything shaped like it. */
export interface ProgressStream {
  readonly isTTY?: boolean
  readonly columns?: number
  write(text: string): unknown
}

/** Shows a job's status and `ctx.progress` as it changes; `end()` leaves the last state on its own line. */
export interface ProgressView {
  update(job: JobRecord): void
  end(): void
}

const WIDTH = 24

/**
 * A job's progress for a person: on a terminal one line redrawn in place,
 * `serval: running [██████░░░░]  40% counted 4 of 10`; elsewhere (a pipe, a
 * log file, CI) a plain line per change, which greps and logs cleanly.
 *
 * @example
 * ```ts
 * const view = progressView(process.stderr)
 * await jobs.wait(id, (job) => view.update(job))
 * view.end()
 * ```
 */
export function progressView(stream: ProgressStream): ProgressView {
  return stream.isTTY ? barView(stream) : lineView(stream)
}

function lineView(stream: ProgressStream): ProgressView {
  let last = ''
  return {
    update(job) {
      const progress = job.progress ? ` ${percent(job.progress.fraction)}${job.progress.message ? ` ${job.progress.message}` : ''}` : ''
      const line = `serval: ${job.status}${attempt(job)}${progress}`
      if (line !== last) stream.write(`${line}\n`)
      last = line
    },
    end: () => undefined,
  }
}

function barView(stream: ProgressStream): ProgressView {
  let drawn = false
  let last = ''
  return {
    update(job) {
      const line = clip(`serval: ${job.status}${attempt(job)} ${bar(job)}`, stream.columns)
      if (line === last) return
      // \r + erase-line: redraw in place, so the terminal keeps one line per job.
      stream.write(`\r\x1b[2K${line}`)
      drawn = true
      last = line
    },
    end() {
      if (drawn) stream.write('\n')
      drawn = false
    },
  }
}

function bar(job: JobRecord): string {
  const fraction = job.status === 'succeeded' ? 1 : (job.progress?.fraction ?? 0)
  const filled = Math.round(clamp(fraction) * WIDTH)
  const message = job.progress?.message ? ` ${job.progress.message}` : ''
  return `[${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${percent(fraction)}${message}`
}

function percent(fraction: number): string {
  return `${String(Math.round(clamp(fraction) * 100)).padStart(3)}%`
}

function attempt(job: JobRecord): string {
  return job.maxAttempts > 1 && job.attempts > 0 ? ` (attempt ${job.attempts}/${job.maxAttempts})` : ''
}

function clamp(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0
}

/** A redrawn line must fit the terminal, or each redraw would leave a wrapped tail behind. */
function clip(line: string, columns: number | undefined): string {
  const max = columns && columns > 10 ? columns - 1 : undefined
  return max !== undefined && line.length > max ? `${line.slice(0, max - 1)}…` : line
}
