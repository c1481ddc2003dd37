import type { ACTION_BRAND } from '../action/types.ts'

/** Options of one call. */
export interface CallOptions {
  /** Aborts the request (and, for a stream, the server's generator). */
  readonly signal?: AbortSignal
  /** Extra headers for this call only. */
  readonly headers?: Readonly<Record<string, string>>
}

/** How a client reaches the server. */
export interface ClientOptions {
  /** A bearer token, or a function that returns one per request (refresh it there). */
  readonly token?: string | (() => string | undefined | Promise<string | undefined>)
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  readonly fetch?: typeof fetch
  /** Headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>
}

/** A problem document (RFC 9457) as the server sends it. */
export interface ClientProblem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
  readonly instance?: string
  readonly requestId?: string
  /** Every failing path of a `422`. */
  readonly errors?: readonly { readonly path: string; readonly message: string }[]
  readonly [extension: string]: unknown
}

/** A job's status as `GET /jobs/{id}` answers it. */
export interface ClientJobView {
  readonly id: string
  readonly action: string
  readonly status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
  readonly createdAt: string
  readonly startedAt?: string
  readonly finishedAt?: string
  readonly progress?: { readonly fraction: number; readonly message?: string }
  readonly attempts: number
  readonly maxAttempts: number
  readonly error?: ClientProblem
  readonly links: { readonly self: string; readonly result: string }
}

/** Options of `job.result()`. */
export interface ResultOptions extends CallOptions {
  /** Milliseconds between polls while the job runs (default 1000, the server's `Retry-After`). */
  readonly intervalMs?: number
}

/** A submitted job: its id, and its status, result and cancel over `/jobs/{id}`. */
export interface JobHandle<Out> {
  readonly id: string
  status(options?: CallOptions): Promise<ClientJobView>
  /** Waits for the job to finish: its output, or a rejection with the job's problem. */
  result(options?: ResultOptions): Promise<Out>
  cancel(options?: CallOptions): Promise<ClientJobView>
}

/** The input and output an action carries (its phantom `~types`), or never for anything else. */
type TypesOf<A> = A extends { readonly [ACTION_BRAND]: true; readonly '~types'?: infer T } ? NonNullable<T> : never
type InputOf<A> = TypesOf<A> extends { readonly input: infer I } ? I : never
type OutputOf<A> = TypesOf<A> extends { readonly output: infer O } ? O : never

/** The arguments of a call: the input may be left out when the action accepts `undefined`. */
type Args<In, Opts> = undefined extends In ? [input?: In, options?: Opts] : [input: In, options?: Opts]

/** One action's client function: a promise of its output, or an async iterable of a stream's items. */
export type ClientCall<A> =
  OutputOf<A> extends AsyncIterable<infer Item>
    ? (...args: Args<InputOf<A>, CallOptions>) => AsyncIterable<Item>
    : (...args: Args<InputOf<A>, CallOptions>) => Promise<OutputOf<A>>

/** The export names of a module namespace that are actions. */
export type ActionNames<M> = { [K in keyof M]: K extends string ? ([TypesOf<M[K]>] extends [never] ? never : K) : never }[keyof M]

/**
 * The typed client of a module namespace of actions (`typeof import('./actions/index.ts')`):
 * one function per exported action (other exports are ignored), and `jobs` to run them in the background.
 */
export type Client<M> = { readonly [K in ActionNames<M>]: ClientCall<M[K]> } & {
  readonly jobs: { readonly [K in ActionNames<M>]: (...args: Args<InputOf<M[K]>, CallOptions>) => Promise<JobHandle<OutputOf<M[K]>>> }
}
