import type { TestServer } from 'serval/testing'
import { eventually } from './redis.ts'

/** What a job endpoint answered. */
export interface Answer {
  status: number
  headers: Headers
  body: any
}

/** Calls `path` on a server and parses the JSON answer. */
export async function call(base: string | TestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const url = typeof base === 'string' ? base : base.url
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined }
}

/** Submits a job and returns its id (fails the test unless 202). */
export async function submit(base: string | TestServer, name: string, input: unknown, headers: Record<string, string> = {}): Promise<string> {
  const res = await call(base, 'POST', `/jobs/${name}`, input, headers)
  if (res.status !== 202) throw new Error(`submit ${name}: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id as string
}

/** Polls `GET /jobs/{id}` until `pass(job)` holds. */
export function jobWhere(base: string | TestServer, id: string, pass: (job: any) => boolean, what: string, timeoutMs = 10_000, headers: Record<string, string> = {}): Promise<any> {
  return eventually(async () => {
    const res = await call(base, 'GET', `/jobs/${id}`, undefined, headers)
    return res.status === 200 && pass(res.body) ? res.body : undefined
  }, `job ${id} ${what}`, timeoutMs)
}

/** Polls until the job has `status`. */
export function jobStatus(base: string | TestServer, id: string, status: string, timeoutMs?: number, headers?: Record<string, string>): Promise<any> {
  return jobWhere(base, id, (j) => j.status === status, `to be ${status}`, timeoutMs, headers)
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void
  const promise = new Promise<T>((resolve) => (open = resolve))
  return { promise, open }
}
