import { problemResponse } from '../openapi/schemas.ts'

type Json = Record<string, any>

/**
 * Adds `GET /results/{id}` to the OpenAPI document: a stored answer comes
 * back with the status, content type and body it had.
 *
 * @example
 * ```ts
 * addResultsOpenApi(doc)
 * doc.paths['/results/{id}'].get.operationId // '_getResult'
 * ```
 */
export function addResultsOpenApi(doc: Json): void {
  doc.tags = [...(doc.tags ?? []), { name: 'results', description: 'Answers kept by `store: true` or `?store=true`, for `results_retention_s`' }]
  doc.paths['/results/{id}'] = {
    get: {
      operationId: '_getResult',
      tags: ['results'],
      summary: 'A stored answer',
      description: 'The answer a call made with `?store=true` (or to a `store: true` action) gave: the same status, content type and body. Only its caller may read it, when it had one.',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The id in the call\'s `Location` header' }],
      responses: {
        '200': { description: 'The stored answer', content: { '*/*': { schema: {} } } },
        '204': { description: 'The stored answer had no body' },
        '404': problemResponse('No such result (never stored, expired, or another caller\'s)'),
      },
    },
  }
}
