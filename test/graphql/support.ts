import { createClient, type Client, type ClientOptions } from 'graphql-ws'
import type { ExecutionResult } from 'graphql'
import { createClient as createHttpClient } from 'graphql-http'
import { WebSocket } from 'ws'
import type { TestServer } from 'serval/testing'

/** What graphql-http's client hands back for one operation. */
type Result = ExecutionResult<Record<string, unknown>, unknown>

/** POSTs one GraphQL operation; the status and the parsed JSON answer. */
export async function gql(t: TestServer, query: string, variables?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await t.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) })
  return { status: res.status, body: await res.json() }
}

/**
 * One operation through graphql-http's client (the GraphQL over HTTP
 * reference client: it POSTs, sends `Accept`, and reads the answer as a
 * GraphQL client does): the result, or the error it ended with.
 */
export function httpRequest(t: TestServer, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Result> {
  const client = createHttpClient({ url: `${t.url}/graphql`, headers, shouldRetry: async () => false })
  return new Promise<Result>((resolve, reject) => {
    let result: Result | undefined
    client.subscribe({ query, ...(variables ? { variables } : {}) }, {
      next: (value) => void (result = value),
      error: reject,
      complete: () => (result ? resolve(result) : reject(new Error('no result'))),
    })
  }).finally(() => client.dispose())
}

/** A graphql-ws client of `t`'s `/graphql` that never retries (a refusal is what the tests look at). */
export function wsClient(t: TestServer, options: Partial<ClientOptions> = {}, headers: Record<string, string> = {}): Client {
  // The browser WebSocket API cannot set headers; Node's `ws` can, to test the handshake's Authorization.
  const Impl = class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers })
    }
  }
  return createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: Impl, retryAttempts: 0, ...options })
}

/** What one operation over graphql-ws delivered: its results, then how it ended. */
export interface Run {
  /** Every result so far, in order. */
  readonly results: any[]
  /** Resolves on `complete` (error undefined) or on an `error` message / a close (error set). */
  readonly ended: Promise<{ results: any[]; error?: any }>
  /** The next result, in order. */
  next(): Promise<any>
  /** Sends `complete` (the client's unsubscribe). */
  stop(): void
}

/** Starts one operation over `client`. */
export function run(client: Client, query: string, variables?: Record<string, unknown>): Run {
  const results: any[] = []
  const queued: any[] = []
  const waiters: ((r: any) => void)[] = []
  let finish!: (v: { results: any[]; error?: any }) => void
  const ended = new Promise<{ results: any[]; error?: any }>((resolve) => (finish = resolve))
  const stop = client.subscribe(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (r) => {
        results.push(r)
        const waiter = waiters.shift()
        if (waiter) waiter(r)
        else queued.push(r)
      },
      error: (error) => finish({ results, error }),
      complete: () => finish({ results }),
    },
  )
  const next = () => (queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise<any>((resolve) => waiters.push(resolve)))
  return { results, ended, next, stop }
}
