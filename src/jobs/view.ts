import type { FastifyReply } from 'fastify'
import type { App } from '../app/app.ts'
import type { Problem } from '../errors/index.ts'
import { sendOutput } from '../http/send-output.ts'
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
 * The JSON view of a job.
 *
 * @example
 * ```ts
 * reply.code(202).send(jobView(job))
 * ```
 */
export function jobView(job: JobRecord): JobView {
  const self = `/jobs/${encodeURIComponent(job.id)}`
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
  if (job.error !== undefined) view.error = job.error
  return view
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/**
 * Sends a succeeded job's output as `POST /actions/…` would have (through
 * the output schema; 204 for nothing); a stream's items as a JSON array.
 *
 * @example
 * ```ts
 * if (job.status === 'succeeded') return sendJobOutput(app, reply, job)
 * ```
 */
export function sendJobOutput(app: App, reply: FastifyReply, job: JobRecord): FastifyReply | Promise<FastifyReply> {
  const action = app.registry.get(job.action)
  if (!action) return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(job.output))
  if (action.streaming && Array.isArray(job.output)) {
    const output = action.output
    const items = job.output.map((item) => (output ? output.serialize(item) : JSON.stringify(item)) ?? 'null')
    return reply.header('content-type', 'application/json; charset=utf-8').send(`[${items.join(',')}]`)
  }
  return sendOutput(reply, action, job.output)
}
