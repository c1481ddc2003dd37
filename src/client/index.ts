/**
 * `serval/client`: a typed client for a Serval server, from the actions' own
 * types. It imports nothing of the server (only their types), so it runs in
 * browsers, edge runtimes and other services.
 *
 * @example
 * ```ts
 * import { createClient } from 'serval/client'
 * import type * as api from './actions/index.ts'
 * const client = createClient<typeof api>('http://localhost:8000', { token })
 * const greeting = await client.sayHello({ name: 'Ada' })
 * ```
 */
import { kebabCase } from '../action/define.ts'
import { ActionCaller, PendingCall } from './call.ts'
import { submitJob } from './jobs.ts'
import { Transport } from './transport.ts'
import type { CallOptions, Client, ClientOptions } from './types.ts'

export { ServalClientError } from './error.ts'
export { parseSse, type SseEvent } from './sse.ts'
export { encodeQuery } from './query.ts'
export type { CallOptions, Client, ClientCall, ClientJobView, ClientOptions, ClientProblem, JobHandle, ResultOptions, ActionNames } from './types.ts'

/**
 * A client for the actions of module namespace `M` (`typeof import('./actions/index.ts')`):
 * `client.name(input, { signal })` calls `/actions/{kebab-name}` (a promise of
 * the output, or an async iterable of a stream's items), `client.jobs.name(input)`
 * submits a job and returns its handle. Failures reject with `ServalClientError`.
 *
 * @example
 * ```ts
 * const client = createClient<typeof api>('http://localhost:8000')
 * for await (const { n } of client.countdown({ from: 3 })) console.log(n)
 * const job = await client.jobs.countSlowly({ to: 5 })
 * console.log(await job.result())
 * ```
 */
export function createClient<M>(baseUrl: string | URL, options: ClientOptions = {}): Client<M> {
  const transport = new Transport(baseUrl, options)
  const caller = new ActionCaller(transport)
  const call = (name: string) => (input?: unknown, opts: CallOptions = {}) => new PendingCall(() => caller.call(kebabCase(name), input, opts))
  const job = (name: string) => (input?: unknown, opts: CallOptions = {}) => submitJob(transport, kebabCase(name), input, opts)
  return namespace(call, { jobs: namespace(job, {}) }) as Client<M>
}

/** An object whose every string key is a function made (once) by `make`; `then` stays undefined so it is not a thenable. */
function namespace<F>(make: (name: string) => F, fixed: Record<string, unknown>): Record<string, unknown> {
  const made = new Map<string, F>()
  return new Proxy(fixed, {
    get(target, key) {
      if (typeof key !== 'string' || key === 'then') return undefined
      if (key in target) return target[key]
      let fn = made.get(key)
      if (!fn) made.set(key, (fn = make(key)))
      return fn
    },
  })
}
