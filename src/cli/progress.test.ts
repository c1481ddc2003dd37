// `serval run NAME --job` progress: a bar redrawn in place on a terminal, plain lines elsewhere.
// (The plain form through a real process: test/jobs-cli.test.ts.)
import { describe, expect, it } from 'vitest'
import type { JobRecord } from '../jobs/index.ts'
import { progressView } from './progress.ts'

function sink(isTTY: boolean, columns = 80) {
  const out: string[] = []
  return { out, stream: { isTTY, columns, write: (t: string) => out.push(t) } }
}
const job = (status: JobRecord['status'], fraction?: number, message?: string, attempts = 1, maxAttempts = 1) =>
  ({ status, attempts, maxAttempts, ...(fraction === undefined ? {} : { progress: { fraction, ...(message ? { message } : {}) } }) }) as unknown as JobRecord

describe('progressView on a terminal', () => {
  it('redraws one line in place as a bar, then ends it with a newline', () => {
    const { out, stream } = sink(true)
    const view = progressView(stream)
    view.update(job('running', 0.25, 'counted 1 of 4'))
    view.update(job('running', 0.25, 'counted 1 of 4')) // unchanged: no redraw
    view.update(job('succeeded', 1, 'counted 4 of 4'))
    view.end()
    expect(out).toEqual([
      `\r\x1b[2Kserval: running [${'█'.repeat(6)}${'░'.repeat(18)}]  25% counted 1 of 4`,
      `\r\x1b[2Kserval: succeeded [${'█'.repeat(24)}] 100% counted 4 of 4`,
      '\n',
    ])
  })

  it('fits the terminal width, shows attempts, and clamps odd fractions', () => {
    const { out, stream } = sink(true, 40)
    progressView(stream).update(job('running', 7, 'a very long message that would wrap the line', 2, 3))
    expect(out[0]!.replace('\r\x1b[2K', '')).toHaveLength(39)
    expect(out[0]).toMatch(/^\r\x1b\[2Kserval: running \(attempt 2\/3\) \[█+…$/)
  })
})

describe('progressView elsewhere (a pipe, a log)', () => {
  it('writes a plain line per change, no control characters', () => {
    const { out, stream } = sink(false)
    const view = progressView(stream)
    view.update(job('queued'))
    view.update(job('running', 0.5, 'half'))
    view.update(job('running', 0.5, 'half'))
    view.update(job('succeeded', 1))
    view.end()
    expect(out).toEqual(['serval: queued\n', 'serval: running  50% half\n', 'serval: succeeded 100%\n'])
  })
})
