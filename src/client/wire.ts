// What travels between a client and a Serval server: call and client options,
// the problem document, a job's view and handle. It imports nothing, so the
// standalone client `serval client` writes carries this very source
// (src/client/codegen/runtime.ts inlines it).

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
