import type { App } from '../app/app.ts'
import { pascalCase, problemResponse } from '../openapi/schemas.ts'
import { JOB_STATUSES } from './types.ts'

type Json = Record<string, any>

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const job = (description: string, headers?: Json): Json => ({ description, ...(headers ? { headers } : {}), content: { 'application/json': { schema: ref('Job') } } })

/** The `Job` view every `/jobs` answer uses. */
const jobSchema: Json = {
  type: 'object',
  required: ['id', 'action', 'status', 'trigger', 'createdAt', 'attempts', 'maxAttempts', 'links'],
  properties: {
    id: { type: 'string' },
    action: { type: 'string', description: 'The action name' },
    status: { type: 'string', enum: [...JOB_STATUSES] },
    trigger: { type: 'string', enum: ['job', 'schedule'] },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: 'string', format: 'date-time', description: 'When the latest run started' },
    finishedAt: { type: 'string', format: 'date-time' },
    progress: { type: 'object', required: ['fraction'], properties: { fraction: { type: 'number', minimum: 0, maximum: 1 }, message: { type: 'string' } } },
    attempts: { type: 'integer', description: 'Runs started so far' },
    maxAttempts: { type: 'integer' },
    error: { ...ref('Problem'), description: 'Why it failed (or the last failed run, while a retry waits)' },
    links: { type: 'object', required: ['self', 'result'], properties: { self: { type: 'string' }, result: { type: 'string' } } },
  },
}

const jobListSchema: Json = {
  type: 'object',
  required: ['items', 'limit', 'offset', 'next'],
  properties: { items: { type: 'array', items: ref('Job') }, limit: { type: 'integer' }, offset: { type: 'integer' }, next: { type: ['string', 'null'], description: 'The next page, or null' } },
}

const idParam: Json = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }

/**
 * Adds `/jobs` to the OpenAPI document: a submit operation per action
 * (`{name}_job`, its body the action's input), then list, read, result
 * and cancel.
 *
 * @example
 * ```ts
 * addJobPaths(doc, app)
 * doc.paths['/jobs/say-hello'].post.operationId // 'sayHello_job'
 * ```
 */
export function addJobPaths(doc: Json, app: App): void {
  doc.components.schemas.Job = jobSchema
  doc.components.schemas.JobList = jobListSchema
  doc.tags = [...(doc.tags ?? []), { name: 'jobs', description: 'Run any action in the background: submit, poll, fetch the result, cancel' }]
  for (const action of app.registry.list()) {
    if (action.methods.length === 0) continue
    const input = `${pascalCase(action.name)}Input`
    doc.paths[`/jobs/${action.path}`] = {
      post: {
        operationId: `${action.name}_job`,
        tags: ['jobs'],
        summary: `Run ${action.name} as a job`,
        requestBody: { required: false, content: { 'application/json': { schema: doc.components.schemas[input] ? ref(input) : {} } } },
        responses: {
          '202': job('Queued; poll Location', { Location: { schema: { type: 'string' }, description: '/jobs/{id}' } }),
          '404': problemResponse('No such action'),
          '422': { $ref: '#/components/responses/Error422' },
          '503': problemResponse('Jobs are unavailable (the job store is in use by another process, or Redis is down)'),
        },
      },
    }
  }
  Object.assign(doc.paths, commonPaths())
}

function commonPaths(): Json {
  return {
    '/jobs': {
      get: {
        operationId: '_listJobs',
        tags: ['jobs'],
        summary: "The caller's jobs, newest first",
        parameters: [
          { name: 'action', in: 'query', schema: { type: 'string' }, description: 'Only this action (name or kebab-name)' },
          { name: 'status', in: 'query', schema: { type: 'string', enum: [...JOB_STATUSES] } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        ],
        responses: { '200': { description: 'A page of jobs', content: { 'application/json': { schema: ref('JobList') } } }, '422': { $ref: '#/components/responses/Error422' } },
      },
    },
    '/jobs/{id}': {
      get: { operationId: '_getJob', tags: ['jobs'], summary: 'A job: status, progress, timestamps, error', parameters: [idParam], responses: { '200': job('The job'), '404': problemResponse('No such job (or not yours)') } },
      delete: {
        operationId: '_cancelJob',
        tags: ['jobs'],
        summary: "Cancel a job: the handler's ctx.signal fires",
        parameters: [idParam],
        responses: { '200': job('Cancelled'), '202': job('Cancelling: the process running it is stopping it'), '404': problemResponse('No such job'), '409': problemResponse('The job already finished (job-finished)') },
      },
    },
    '/jobs/{id}/result': {
      get: {
        operationId: '_getJobResult',
        tags: ['jobs'],
        summary: "A succeeded job's output, as the action would have answered",
        parameters: [idParam],
        responses: {
          '200': { description: "The action's output (a stream's items as an array)", content: { 'application/json': { schema: {} } } },
          '204': { description: 'The action returned nothing' },
          '404': problemResponse('No such job'),
          '409': problemResponse('Not finished yet (job-not-finished, with Retry-After) or cancelled (job-cancelled)'),
          default: problemResponse("The job failed: its problem, with the failure's own status"),
        },
      },
    },
  }
}
