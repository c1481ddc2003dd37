import type { App } from '../app/app.ts'
import type { RouteResponse } from '../app/route.ts'
import { publicProblem, type Problem } from '../errors/index.ts'
import type { JobProgress, JobRecord, JobStatus } from './types.ts'

/**
 * A job as `/jobs` answers it: ISO timestamps, the last error as a
 * problem, and links to itself and its result.
 *
 * @example
 * ```json
 * { "id": "3f…", "action": "resize", "status": "running", "createdAt": "2026-01-01T00:00:00.000Z",
 *   "progress": { "fraction": 0.5, "message": "half way" }, "attempts": 1, "maxAttempts": 3,
 *   "links": { "self": "/jobs/3f…", "result": "/jobs/3f…/result" } }
 * ```
 */
export interface JobView {
  id: string
  action: string
  status: JobStatus
  trigger: 'job' | 'schedule'
  createdAt: string
  startedAt?: string
  finishedAt?: string
  progress?: JobProgress
  attempts: number
  maxAttempts: number
  error?: Problem
  links: { self: string; result: string }
}

/**
 * The JSON view of a job; outside dev mode its error shows no internals
 * (a worker in dev mode may have stored them).
 *
 * @example
 * ```ts
 * return { status: 202, body: jobView(job, app.settings.dev_mode) }
 * ```
 */
export function jobView(job: JobRecord, devMode: boolean, basePath = ''): JobView {
  // Under a mount (base_path /billing) the links must lead back to it.
  const self = `${basePath}/jobs/${encodeURIComponent(job.id)}`
  const view: JobView = {
    id: job.id,
    action: job.action,
    status: job.status,
    trigger: job.trigger,
    createdAt: iso(job.createdAt),
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    links: { self, result: `${self}/result` },
  }
  if (job.startedAt !== undefined) view.startedAt = iso(job.startedAt)
  if (job.finishedAt !== undefined) view.finishedAt = iso(job.finishedAt)
  if (job.progress !== undefined) view.progress = job.progress
  if (job.error !== undefined) view.error = underBase(devMode ? job.error : publicProblem(job.error), basePath)
  return view
}

/** A stored problem names the job by the app's own path (`/jobs/…`); under a mount the client reaches it under the prefix. */
function underBase(problem: Problem, basePath: string): Problem {
  return basePath && problem.instance?.startsWith('/') ? { ...problem, instance: `${basePath}${problem.instance}` } : problem
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/**
 * A failed job's problem, as `GET /jobs/{id}/result` answers it.
 *
 * @example
 * ```ts
 * jobError(job, false).status // 500
 * ```
 */
export function jobError(job: JobRecord, devMode: boolean): Problem {
  const problem = job.error ?? { type: 'urn:serval:problem:job-failed', title: 'Job failed', status: 500 }
  return devMode ? problem : publicProblem(problem)
}

const JSON_TYPE = 'application/json; charset=utf-8'
const encoder = new TextEncoder()

/**
 * A succeeded job's output as `POST /actions/…` would have answered it:
 * serialised through the output schema (fields it does not name are not
 * sent), 204 for nothing; a stream's items as a JSON array.
 *
 * @example
 * ```ts
 * if (job.status === 'succeeded') return jobOutput(app, job)
 * ```
 */
export function jobOutput(app: App, job: JobRecord): RouteResponse {
  if (job.output === undefined) return { status: 204 }
  const output = app.registry.get(job.action)?.output
  const serialize = (value: unknown) => (output ? output.serialize(value) : JSON.stringify(value)) ?? 'null'
  const streamed = app.registry.get(job.action)?.streaming === true && Array.isArray(job.output)
  const json = streamed ? `[${(job.output as unknown[]).map(serialize).join(',')}]` : serialize(job.output)
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: encoder.encode(json) }
}
