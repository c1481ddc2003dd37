import { isBinaryOutput } from '../action/file.ts'
import type { App } from '../app/app.ts'
import type { Principal } from '../auth/principal.ts'
import { isStream } from '../core/invoke.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError, toProblem, type Problem } from '../errors/index.ts'
import { runAs } from './owner.ts'

/** One run of a job. */
export interface Attempt {
  readonly id: string
  readonly action: CompiledAction
  readonly input: unknown
  readonly principal: Principal | null
  readonly trigger: 'job' | 'schedule'
  /** The submitter's trace context: the run's span is its child. */
  readonly traceparent?: string | undefined
  /** Aborts on cancel (reason: a `job-cancelled` ServalError). */
  readonly cancel: AbortSignal
  /** Aborts when this process stops working (shutdown): the job goes back to the queue. */
  readonly stop: AbortSignal
  readonly timeoutMs: number | undefined
  readonly progress: (fraction: number, message?: string) => void
  /** Gets the handler's own promise, which may settle after the run ended (a handler ignoring its signal): hold its slot until then. */
  readonly onWork?: (work: Promise<unknown>) => void
}

/** How a run ended: an output, a problem (retryable or not), or interrupted by shutdown (run it again later). */
export type Outcome =
  | { readonly kind: 'ok'; readonly output: unknown }
  | { readonly kind: 'failed'; readonly problem: Problem; readonly retry: boolean }
  | { readonly kind: 'cancelled'; readonly problem: Problem }
  | { readonly kind: 'interrupted' }

/** Problems no retry can fix. */
const FINAL = new Set(['urn:serval:problem:job-failed', 'urn:serval:problem:invalid-output'])

/**
 * Runs one attempt of a job through the app's pipeline (`app.invoke`, with
 * the submitter's principal, so auth is not re-run). A stream's items are
 * collected into an array. The run ends as soon as its signal aborts or
 * its timeout passes, even if the handler ignores `ctx.signal`.
 *
 * @example
 * ```ts
 * const outcome = await runAttempt(app, { id, action, input, principal: null, trigger: 'job', cancel, stop, timeoutMs: undefined, progress })
 * ```
 */
export async function runAttempt(app: App, attempt: Attempt): Promise<Outcome> {
  // The handler's signal is made only if it reads ctx.signal; the run itself just listens to cancel and stop.
  let linked: ReturnType<typeof linkSignals> | undefined
  const signal = () => (linked ??= linkSignals([attempt.cancel, attempt.stop])).signal
  const race = raceAborts(attempt)
  try {
    const work = invokeAndCollect(app, attempt, signal)
    attempt.onWork?.(work)
    return { kind: 'ok', output: await race.run(work, (reason) => linked?.abort(reason)) }
  } catch (error) {
    return failure(app, attempt, error)
  } finally {
    race.dispose()
    linked?.dispose()
  }
}

/**
 * Settles a run as soon as it is cancelled, stopped or timed out, without
 * waiting for a handler that ignores its signal (its promise is left to
 * settle on its own).
 */
function raceAborts(attempt: Attempt): { run<T>(work: Promise<T>, onTimeout: (reason: unknown) => void): Promise<T>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const sources = [attempt.cancel, attempt.stop]
  return {
    run: (work, onTimeout) =>
      new Promise((resolve, reject) => {
        // Handled first, so a handler that rejects after the race is lost never goes unhandled.
        work.then(resolve, reject)
        const aborted = sources.find((s) => s.aborted)
        if (aborted) return reject(aborted.reason as Error)
        onAbort = () => reject((sources.find((s) => s.aborted)?.reason ?? new Error('aborted')) as Error)
        for (const s of sources) s.addEventListener('abort', onAbort, { once: true })
        if (attempt.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            const reason = timedOut(attempt)
            onTimeout(reason)
            reject(reason)
          }, attempt.timeoutMs)
        }
      }),
    dispose: () => {
      clearTimeout(timer)
      if (onAbort) for (const s of sources) s.removeEventListener('abort', onAbort)
    },
  }
}

/**
 * One signal that follows several. Unlike `AbortSignal.any`, its listeners
 * are removed when the run ends, so a long-lived source (the stop signal)
 * does not collect one entry per job.
 */
function linkSignals(sources: readonly AbortSignal[]): { signal: AbortSignal; abort(reason: unknown): void; dispose(): void } {
  const controller = new AbortController()
  const follow = (source: AbortSignal) => () => controller.abort(source.reason)
  const listeners = sources.map((source) => [source, follow(source)] as const)
  for (const [source, listener] of listeners) {
    if (source.aborted) listener()
    else source.addEventListener('abort', listener, { once: true })
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      for (const [source, listener] of listeners) source.removeEventListener('abort', listener)
    },
  }
}

async function invokeAndCollect(app: App, attempt: Attempt, signal: () => AbortSignal): Promise<unknown> {
  const output = await app.invoke(attempt.action, attempt.input, {
    requestId: attempt.id,
    trigger: attempt.trigger,
    traceparent: attempt.traceparent,
    principal: runAs(attempt.principal),
    signal,
    progress: attempt.progress,
  })
  if (isStream(output)) {
    const items: unknown[] = []
    for await (const item of output) items.push(item)
    return items
  }
  if (isBinaryOutput(output)) throw new ServalError('job-failed', { detail: 'A binary output cannot be a job result; return JSON' })
  return output
}

function failure(app: App, attempt: Attempt, error: unknown): Outcome {
  if (attempt.stop.aborted) return { kind: 'interrupted' }
  const options = { devMode: app.settings.dev_mode, instance: `/jobs/${attempt.id}` }
  if (attempt.cancel.aborted) return { kind: 'cancelled', problem: toProblem(attempt.cancel.reason, options) }
  const problem = toProblem(error, options)
  if (problem.status >= 500) app.logger.error({ err: error, jobId: attempt.id, action: attempt.action.name }, `job failed: ${problem.title}`)
  return { kind: 'failed', problem, retry: problem.status >= 500 && !FINAL.has(problem.type) }
}

function timedOut(attempt: Attempt): ServalError {
  return new ServalError('timeout', { detail: `The job ran longer than its timeout of ${attempt.timeoutMs} ms` })
}

/**
 * The error a cancelled job's `ctx.signal` aborts with.
 *
 * @example
 * ```ts
 * controller.abort(cancelledError(id))
 * ```
 */
export function cancelledError(id: string): ServalError {
  return new ServalError('job-cancelled', { detail: `Job ${id} was cancelled` })
}
