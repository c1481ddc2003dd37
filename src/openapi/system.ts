type Json = Record<string, unknown>

const json = (description: string, schema: Json = { type: 'object' }): Json => ({
  description,
  content: { 'application/json': { schema } },
})

/** The `/_sys/*` operations, documented like any other. */
export function systemPaths(): Json {
  return {
    '/_sys/health': { get: { operationId: '_sysHealth', tags: ['system'], summary: 'Liveness', responses: { '200': json('The process is alive') } } },
    '/_sys/ready': {
      get: {
        operationId: '_sysReady',
        tags: ['system'],
        summary: 'Readiness: 503 while starting or draining',
        responses: { '200': json('Ready to serve'), '503': { $ref: '#/components/responses/Error503' } },
      },
    },
    '/_sys/info': { get: { operationId: '_sysInfo', tags: ['system'], summary: 'Server info: version, functionsVersion, actions, uptime', responses: { '200': json('Server info') } } },
  }
}
