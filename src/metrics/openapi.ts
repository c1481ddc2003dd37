import { problemResponse } from '../openapi/schemas.ts'

type Json = Record<string, any>

/** The media type of the Prometheus text exposition format that `/metrics` answers. */
const EXPOSITION = 'text/plain; version=0.0.4'

/**
 * Adds `GET /metrics` to the OpenAPI document with the security it really
 * has: public (`security: []`, as Prometheus scrapes by default) unless
 * `metrics_token` is set, then the `metricsToken` bearer scheme (the token
 * itself, not a JWT) with its 401.
 *
 * @example
 * ```ts
 * addMetricsOpenApi(doc, app.settings.metrics_token !== undefined)
 * doc.paths['/metrics'].get.operationId // '_metrics'
 * ```
 */
export function addMetricsOpenApi(doc: Json, tokenRequired: boolean): void {
  const components = (doc.components ??= {})
  if (tokenRequired) {
    components.securitySchemes = { ...components.securitySchemes, metricsToken: { type: 'http', scheme: 'bearer', description: 'The metrics_token setting, sent as `Authorization: Bearer <metrics_token>`' } }
  }
  const unauthorized = problemResponse('No metrics_token, or another one', { 'WWW-Authenticate': { schema: { type: 'string', example: 'Bearer realm="metrics"' } } })
  doc.paths['/metrics'] = {
    get: {
      operationId: '_metrics',
      tags: ['system'],
      summary: 'Prometheus metrics',
      description: 'Requests, jobs, queue depth, cache answers, WebSockets and the process, in the Prometheus text exposition format 0.0.4. Never cached (`Cache-Control: no-store`).',
      security: tokenRequired ? [{ metricsToken: [] }] : [],
      responses: {
        '200': { description: 'The metrics', content: { [EXPOSITION]: { schema: { type: 'string' }, example: '# TYPE serval_requests_total counter\nserval_requests_total{action="hello",method="GET",status="200"} 1\n' } } },
        ...(tokenRequired ? { '401': unauthorized } : {}),
      },
    },
  }
}
