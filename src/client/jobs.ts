import { ServalClientError } from './error.ts'
import { decodeValue, type Transport } from './transport.ts'
import type { CallOptions, ClientJobView, JobHandle, ResultOptions } from './wire.ts'

const NOT_FINISHED = 'urn:serval:problem:job-not-finished'

/**
 * Submits a job (`POST /jobs/{kebab-name}`, SPEC §5) and returns its handle.
 *
 * @example
 * ```ts
 * const job = await submitJob(transport, 'count-slowly', { to: 3 }, {})
 * console.log(await job.result())
 * ```
 */
export async function submitJob(transport: Transport, path: string, input: unknown, options: CallOptions): Promise<JobHandle<unknown>> {
  const res = await transport.ok({ ...options, method: 'POST', path: `/jobs/${path}`, body: input })
  const view = (await res.json()) as ClientJobView
  return jobHandle(transport, view.id)
}

function jobHandle(transport: Transport, id: string): JobHandle<unknown> {
  const self = `/jobs/${encodeURIComponent(id)}`
  const view = async (method: string, options: CallOptions = {}) => (await (await transport.ok({ ...options, method, path: self })).json()) as ClientJobView
  return {
    id,
    status: (options) => view('GET', options),
    cancel: (options) => view('DELETE', options),
    result: (options) => waitForResult(transport, `${self}/result`, options ?? {}),
  }
}

/** Polls the result until the job finished: `409 job-not-finished` means wait and ask again. */
async function waitForResult(transport: Transport, path: string, options: ResultOptions): Promise<unknown> {
  for (;;) {
    try {
      return await decodeValue(await transport.ok({ ...options, method: 'GET', path }))
    } catch (error) {
      if (!(error instanceof ServalClientError) || error.type !== NOT_FINISHED) throw error
      await sleep(options.intervalMs ?? 1000, options.signal)
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const done = () => {
      signal?.removeEventListener('abort', aborted)
      resolve()
    }
    const timer = setTimeout(done, ms)
    const aborted = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', aborted, { once: true })
  })
}
