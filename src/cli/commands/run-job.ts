import type { App } from '../../app/app.ts'
import type { CompiledAction } from '../../core/registry.ts'
import { jobsOf, SYSTEM_OWNER, type JobRecord } from '../../jobs/index.ts'
import { EXIT } from '../context.ts'
import { progressView, type ProgressView } from '../progress.ts'

/** After this long still queued (Redis mode), say that a worker is needed. */
const HINT_AFTER_MS = 3000

/**
 * `serval run NAME --job`: submits the action as a job and waits for it,
 * printing status and progress to stderr (a progress bar on a terminal,
 * a line per change otherwise) and the output to stdout.
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
  const view = progressView(process.stderr)
  const hint = setTimeout(() => (view.end(), process.stderr.write(`serval: still queued; is a worker running? (serval worker --redis-url …)\n`)), HINT_AFTER_MS)
  hint.unref()
  const onSigint = () => {
    view.end()
    process.stderr.write(`serval: cancelling job ${job.id}\n`)
    void jobs.cancel(job.id, SYSTEM_OWNER).catch(() => undefined)
  }
  process.once('SIGINT', onSigint)
  try {
    const done = await jobs.wait(job.id, (j) => report(j, hint, view))
    view.end()
    if (done.status === 'succeeded') return print(done.output), EXIT.ok
    process.stderr.write(`${JSON.stringify(done.error ?? { status: done.status }, null, 2)}\n`)
    return EXIT.failed
  } finally {
    clearTimeout(hint)
    process.off('SIGINT', onSigint)
  }
}

function report(job: JobRecord, hint: NodeJS.Timeout, view: ProgressView): void {
  if (job.status !== 'queued') clearTimeout(hint)
  view.update(job)
}
