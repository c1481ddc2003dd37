import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import type { App } from '../app/app.ts'
import type { Principal } from '../auth/principal.ts'
import { ServalError, type ProblemIssue } from '../errors/index.ts'
import { sendProblem } from '../http/problem-reply.ts'
import { requestCredentials } from '../http/security/credentials.ts'
import { jobsOf } from './service.ts'
import { JOB_STATUSES, type JobRecord, type JobStatus } from './types.ts'
import { jobView, sendJobOutput } from './view.ts'

type Params = { ref: string }
type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>

/**
 * `/jobs`: submit (`POST /jobs/{kebab-name}` → 202), read, list, result,
 * cancel. Reads are scoped to the submitter: another caller's job is a 404.
 *
 * @example
 * ```ts
 * registerJobRoutes(server, app) // from the jobs extension's http hook
 * ```
 */
export function registerJobRoutes(server: FastifyInstance, app: App): void {
  const guard = (fn: Handler): Handler => async (request, reply) => {
    try {
      return await fn(request, reply)
    } catch (error) {
      return sendProblem(app, request, reply, error)
    }
  }
  server.post('/jobs/:ref', guard((req, reply) => submit(app, req, reply)))
  server.get('/jobs/:ref', guard((req, reply) => read(app, req, reply)))
  server.delete('/jobs/:ref', guard((req, reply) => cancel(app, req, reply)))
  server.get('/jobs/:ref/result', guard((req, reply) => result(app, req, reply)))
  server.get('/jobs', guard((req, reply) => list(app, req, reply)))
  notAllowed(server, app, '/jobs/:ref', ['GET', 'POST', 'DELETE'])
  notAllowed(server, app, '/jobs/:ref/result', ['GET'])
  notAllowed(server, app, '/jobs', ['GET'])
}

function notAllowed(server: FastifyInstance, app: App, url: string, allowed: string[]): void {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ')
  const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !allowed.includes(m)) as HTTPMethods[]
  server.route({
    method: others,
    url,
    handler: (request, reply) =>
      sendProblem(app, request, reply, new ServalError('method-not-allowed', { detail: `${request.method} is not allowed here; use ${allow}`, headers: { allow } })),
  })
}

async function submit(app: App, request: FastifyRequest, reply: FastifyReply) {
  const { ref } = request.params as Params
  const action = app.registry.get(ref)
  if (!action || action.methods.length === 0) throw new ServalError('not-found', { detail: `No action "${ref}" to run as a job` })
  const job = await jobsOf(app).submit(action, request.body, { credentials: requestCredentials(app, request) })
  const view = jobView(job)
  return reply.code(202).header('location', view.links.self).send(view)
}

async function read(app: App, request: FastifyRequest, reply: FastifyReply) {
  return reply.send(jobView(await findJob(app, request)))
}

async function cancel(app: App, request: FastifyRequest, reply: FastifyReply) {
  const caller = await callerOf(app, request)
  const { ref } = request.params as Params
  const job = await jobsOf(app).cancel(ref, caller)
  if (!job) throw noJob(ref)
  // 202 while another process still has to stop the handler.
  return reply.code(job.status === 'cancelled' ? 200 : 202).send(jobView(job))
}

async function result(app: App, request: FastifyRequest, reply: FastifyReply) {
  const job = await findJob(app, request)
  const instance = `/jobs/${job.id}/result`
  if (job.status === 'succeeded') return sendJobOutput(app, reply, job)
  if (job.status === 'failed') {
    const error = job.error ?? { type: 'urn:serval:problem:job-failed', title: 'Job failed', status: 500 }
    return reply.code(error.status).header('content-type', 'application/problem+json').send(JSON.stringify({ ...error, instance, requestId: String(request.id), jobId: job.id }))
  }
  if (job.status === 'cancelled') throw new ServalError('job-cancelled', { detail: `Job ${job.id} was cancelled`, extensions: { jobId: job.id } })
  throw new ServalError('job-not-finished', { detail: `Job ${job.id} is ${job.status}`, headers: { 'retry-after': '1' }, extensions: { jobId: job.id, jobStatus: job.status } })
}

async function list(app: App, request: FastifyRequest, reply: FastifyReply) {
  const query = parseListQuery(app, request.query as Record<string, unknown>)
  const page = await jobsOf(app).list(query, await callerOf(app, request))
  const nextQuery = new URLSearchParams({ ...(query.action ? { action: query.action } : {}), ...(query.status ? { status: query.status } : {}), limit: String(query.limit), offset: String(query.offset + query.limit) })
  return reply.send({ items: page.items.map(jobView), limit: query.limit, offset: query.offset, next: page.more ? `/jobs?${nextQuery}` : null })
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

async function findJob(app: App, request: FastifyRequest): Promise<JobRecord> {
  const { ref } = request.params as Params
  const job = await jobsOf(app).get(ref, await callerOf(app, request))
  if (!job) throw noJob(ref)
  return job
}

/** The verified caller (token checked when sent), or null; reads need no token, but only show the caller's jobs. */
async function callerOf(app: App, request: FastifyRequest): Promise<Principal | null> {
  const identify = app.security.identify
  return identify ? identify.call(app.security, requestCredentials(app, request)) : null
}

function noJob(id: string): ServalError {
  return new ServalError('not-found', { detail: `No job ${id}` })
}
