import type { App } from '../../app/app.ts'
import type { CompiledAction } from '../../core/registry.ts'
import { jobsOf, SYSTEM_OWNER, type JobRecord } from '../../jobs/index.ts'
import { EXIT } from '../context.ts'

/** After this long still queued (Redis mode), say that a worker is needed. */
const HINT_AFTER_MS = 3000

/**
 * `serval run NAME --job`: submits the action as a job and waits for it,
 * printing status and progress to stderr and the output to stdout.
 * Embedded, this process runs the job (and only it); with `redis_url`, a
 * worker does. Ctrl-C cancels the job. Exit 0 succeeded, 1 failed or
 * cancelled (the problem on stderr).
 *
 * @example
 * ```ts
 * return runJob(app, action, { to: 3 }, (output) => console.log(JSON.stringify(output)))
 * ```
 */
export async function runJob(app: App, action: CompiledAction, input: unknown, print: (output: unknown) => void): Promise<number> {
  const jobs = jobsOf(app)
  const job = await jobs.submit(action, input, { principal: null })
  if (!app.settings.redis_url) await jobs.work({ workers: 1, only: (id) => id === job.id })
  process.stderr.write(`serval: job ${job.id} queued\n`)
  const hint = setTimeout(() => process.stderr.write(`serval: still queued; is a worker running? (serval worker --redis-url …)\n`), HINT_AFTER_MS)
  hint.unref()
  const onSigint = () => {
    process.stderr.write(`serval: cancelling job ${job.id}\n`)
    void jobs.cancel(job.id, SYSTEM_OWNER).catch(() => undefined)
  }
  process.once('SIGINT', onSigint)
  try {
    const done = await jobs.wait(job.id, (j) => report(j, hint))
    if (done.status === 'succeeded') return print(done.output), EXIT.ok
    process.stderr.write(`${JSON.stringify(done.error ?? { status: done.status }, null, 2)}\n`)
    return EXIT.failed
  } finally {
    clearTimeout(hint)
    process.off('SIGINT', onSigint)
  }
}

let lastLine = ''

function report(job: JobRecord, hint: NodeJS.Timeout): void {
  if (job.status !== 'queued') clearTimeout(hint)
  const progress = job.progress ? ` ${String(Math.round(job.progress.fraction * 100)).padStart(3)}%${job.progress.message ? ` ${job.progress.message}` : ''}` : ''
  const attempt = job.maxAttempts > 1 && job.attempts > 0 ? ` (attempt ${job.attempts}/${job.maxAttempts})` : ''
  const line = `serval: ${job.status}${attempt}${progress}`
  if (line !== lastLine) process.stderr.write(`${line}\n`)
  lastLine = line
}
