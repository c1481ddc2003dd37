type Json = Record<string, unknown>

const json = (description: string, schema: Json): Json => ({ description, content: { 'application/json': { schema } } })
const status = (value: string): Json => ({ type: 'object', required: ['status'], properties: { status: { const: value } } })

/** What `/_sys/info` answers to anyone; dev mode or a `serval:admin` caller also gets each capability's state (more properties). */
const serverInfo: Json = {
  type: 'object',
  required: ['name', 'version', 'functionsVersion', 'node', 'uptimeS', 'actions'],
  properties: {
    name: { type: 'string' },
    version: { type: 'string', description: "Serval's version" },
    functionsVersion: { type: 'string', description: 'A multibase multihash of the action code' },
    node: { type: 'string' },
    uptimeS: { type: 'number' },
    actions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'path', 'methods', 'streaming'],
        properties: { name: { type: 'string' }, path: { type: 'string' }, methods: { type: 'array', items: { type: 'string' } }, streaming: { type: 'boolean' }, description: { type: 'string' }, file: { type: 'string' } },
      },
    },
    devMode: { type: 'boolean' },
  },
}

/**
 * The `/_sys/*` operations every app has, documented like any other
 * (the admin views come from the ops and mounts capabilities).
 *
 * @example
 * ```ts
 * const doc = { paths: { ...systemPaths() } }
 * ```
 */
export function systemPaths(): Json {
  return {
    '/_sys/health': { get: { operationId: '_sysHealth', tags: ['system'], summary: 'Liveness', security: [], responses: { '200': json('The process is alive', status('ok')) } } },
    '/_sys/ready': {
      get: {
        operationId: '_sysReady',
        tags: ['system'],
        summary: 'Readiness: 503 while starting or draining',
        security: [],
        responses: { '200': json('Ready to serve', status('ready')), '503': { $ref: '#/components/responses/Error503' } },
      },
    },
    '/_sys/info': {
      get: {
        operationId: '_sysInfo',
        tags: ['system'],
        summary: 'Server info: version, functionsVersion, actions, uptime',
        description: 'Public facts; in dev mode, or to a serval:admin caller, also each capability’s state. A token that is sent is checked (401 when bad).',
        responses: { '200': json('Server info', { $ref: '#/components/schemas/ServerInfo' }), '401': { description: 'A bad token', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
      },
    },
  }
}

/**
 * The schemas the `/_sys/*` operations refer to.
 *
 * @example
 * ```ts
 * Object.assign(doc.components.schemas, systemSchemas())
 * ```
 */
export function systemSchemas(): Json {
  return { ServerInfo: serverInfo }
}
