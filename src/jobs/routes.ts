import type { App } from '../app/app.ts'
import { basePath } from '../config/public-url.ts'
import type { Route, RouteRequest, RouteResponse } from '../app/route.ts'
import type { Principal } from '../auth/principal.ts'
import { ServalError, type ProblemIssue } from '../errors/index.ts'
import { jobsOf } from './service.ts'
import { JOB_STATUSES, type JobRecord, type JobStatus } from './types.ts'
import { jobError, jobOutput, jobView } from './view.ts'

type Handle = (app: App, request: RouteRequest) => Promise<RouteResponse>

/**
 * `/jobs`: submit (`POST /jobs/{kebab-name}` → 202), read, list, result,
 * cancel, as transport-free routes. Reads are scoped to the submitter:
 * another caller's job is a 404.
 *
 * @example
 * ```ts
 * const routes = jobRoutes(app) // from the jobs extension's routes hook
 * ```
 */
export function jobRoutes(app: App): Route[] {
  const route = (method: Route['method'], path: string, handle: Handle): Route => ({ method, path, handle: (request) => handle(app, request) })
  return [
    route('POST', '/jobs/:ref', submit),
    route('GET', '/jobs/:ref', read),
    route('DELETE', '/jobs/:ref', cancel),
    route('GET', '/jobs/:ref/result', result),
    route('GET', '/jobs', list),
  ]
}

async function submit(app: App, request: RouteRequest): Promise<RouteResponse> {
  const ref = request.params.ref ?? ''
  const action = app.registry.get(ref)
  if (!action || action.methods.length === 0) throw new ServalError('not-found', { detail: `No action "${ref}" to run as a job` })
  const job = await jobsOf(app).submit(action, request.body, { credentials: request.credentials }, 'job', request.headers.traceparent)
  const view = jobView(job, app.settings.dev_mode, basePath(app.settings))
  return { status: 202, headers: { location: view.links.self }, body: view }
}

async function read(app: App, request: RouteRequest): Promise<RouteResponse> {
  return { status: 200, body: jobView(await findJob(app, request), app.settings.dev_mode, basePath(app.settings)) }
}

async function cancel(app: App, request: RouteRequest): Promise<RouteResponse> {
  const ref = request.params.ref ?? ''
  const job = await jobsOf(app).cancel(ref, await callerOf(app, request))
  if (!job) throw noJob(ref)
  // 202 while another process still has to stop the handler.
  return { status: job.status === 'cancelled' ? 200 : 202, body: jobView(job, app.settings.dev_mode, basePath(app.settings)) }
}

async function result(app: App, request: RouteRequest): Promise<RouteResponse> {
  const job = await findJob(app, request)
  if (job.status === 'succeeded') return jobOutput(app, job)
  if (job.status === 'failed') {
    const problem = { ...jobError(job, app.settings.dev_mode), instance: `${basePath(app.settings)}/jobs/${job.id}/result`, requestId: request.requestId, jobId: job.id }
    return { status: problem.status, headers: { 'content-type': 'application/problem+json' }, body: problem }
  }
  if (job.status === 'cancelled') throw new ServalError('job-cancelled', { detail: `Job ${job.id} was cancelled`, extensions: { jobId: job.id } })
  throw new ServalError('job-not-finished', { detail: `Job ${job.id} is ${job.status}`, headers: { 'retry-after': '1' }, extensions: { jobId: job.id, jobStatus: job.status } })
}

async function list(app: App, request: RouteRequest): Promise<RouteResponse> {
  const query = parseListQuery(app, request.query)
  const page = await jobsOf(app).list(query, await callerOf(app, request))
  const nextQuery = new URLSearchParams({ ...(query.action ? { action: query.action } : {}), ...(query.status ? { status: query.status } : {}), limit: String(query.limit), offset: String(query.offset + query.limit) })
  const items = page.items.map((job) => jobView(job, app.settings.dev_mode, basePath(app.settings)))
  return { status: 200, body: { items, limit: query.limit, offset: query.offset, next: page.more ? `${basePath(app.settings)}/jobs?${nextQuery}` : null } }
}

const LIST_KEYS = new Set(['action', 'status', 'limit', 'offset'])

/**
 * `?action=&status=&limit=&offset=`, strictly: an unknown key or a bad value is a 422 naming it.
 *
 * @example
 * ```ts
 * parseListQuery(app, { status: 'queued', limit: '10' }) // { status: 'queued', limit: 10, offset: 0 }
 * ```
 */
export function parseListQuery(app: App, query: Record<string, unknown>): { action?: string; status?: JobStatus; limit: number; offset: number } {
  const issues: ProblemIssue[] = []
  for (const key of Object.keys(query)) if (!LIST_KEYS.has(key)) issues.push({ path: `/${key}`, message: 'unknown parameter (use action, status, limit, offset)' })
  const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : query[key] === undefined ? undefined : (issues.push({ path: `/${key}`, message: 'must be given once' }), undefined))
  const actionRef = text('action')
  const action = actionRef === undefined ? undefined : app.registry.get(actionRef)?.name
  if (actionRef !== undefined && !action) issues.push({ path: '/action', message: `no action named "${actionRef}"` })
  const status = text('status')
  if (status !== undefined && !JOB_STATUSES.includes(status as JobStatus)) issues.push({ path: '/status', message: `must be one of ${JOB_STATUSES.join(', ')}` })
  const limit = integer(text('limit'), 20, 1, 100, '/limit', issues)
  const offset = integer(text('offset'), 0, 0, 1_000_000, '/offset', issues)
  if (issues.length) throw new ServalError('invalid-input', { detail: issues.map((i) => `${i.path.slice(1)}: ${i.message}`).join('; '), errors: issues })
  return { ...(action ? { action } : {}), ...(status ? { status: status as JobStatus } : {}), limit, offset }
}

function integer(raw: string | undefined, fallback: number, min: number, max: number, path: string, issues: ProblemIssue[]): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (/^\d+$/.test(raw) && n >= min && n <= max) return n
  issues.push({ path, message: `must be an integer from ${min} to ${max}` })
  return fallback
}

async function findJob(app: App, request: RouteRequest): Promise<JobRecord> {
  const ref = request.params.ref ?? ''
  const job = await jobsOf(app).get(ref, await callerOf(app, request))
  if (!job) throw noJob(ref)
  return job
}

/** The verified caller (token checked when sent), or null; reads need no token, but only show the caller's jobs. */
async function callerOf(app: App, request: RouteRequest): Promise<Principal | null> {
  const identify = app.security.identify
  return identify ? identify.call(app.security, request.credentials) : null
}

function noJob(id: string): ServalError {
  return new ServalError('not-found', { detail: `No job ${id}` })
}
