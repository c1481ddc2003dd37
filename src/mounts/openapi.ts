import type { App } from '../app/app.ts'
import { adminAccess } from '../auth/openapi.ts'
import { problemResponse } from '../openapi/schemas.ts'

type Json = Record<string, any>

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const mount = (description: string, headers?: Json): Json => ({ description, ...(headers ? { headers } : {}), content: { 'application/json': { schema: ref('Mount') } } })

const mountSchema: Json = {
  type: 'object',
  required: ['name', 'prefix', 'dirs', 'source', 'actions', 'openapi', 'docs'],
  properties: {
    name: { type: 'string' },
    prefix: { type: 'string', description: 'The path prefix it is served under' },
    dirs: { type: 'array', items: { type: 'string' } },
    source: { type: 'string', enum: ['config', 'api'], description: '`config`: the mounts setting; `api`: deployed through POST /_sys/mounts' },
    actions: { type: 'integer' },
    openapi: { type: 'string', description: 'Its own OpenAPI document' },
    docs: { type: 'string', description: 'Its docs page' },
  },
}

const deploySchema: Json = {
  type: 'object',
  required: ['name', 'prefix', 'dirs'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
    prefix: { type: 'string', pattern: '^/', description: 'A path without a trailing slash, overlapping no other mount and no root path (/actions, /_sys…)' },
    dirs: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Function dirs under deploy_root' },
    auth_mode: { type: 'string', enum: ['none', 'jwt', 'oidc'] },
    cors_allowed_origins: { type: 'array', items: { type: 'string' } },
    rate_limit: { type: 'object', required: ['max'], additionalProperties: false, properties: { max: { type: 'integer', minimum: 0 }, window_s: { type: 'integer', minimum: 1 } } },
  },
}

const nameParam: Json = { name: 'name', in: 'path', required: true, schema: { type: 'string' } }

/**
 * Adds `/_sys/mounts` to the OpenAPI document (only apps with
 * `admin_api=true` have these routes): list, read, deploy (201 +
 * `Location`, 409, 422) and undeploy (204, 404), each needing
 * `serval:admin`, in dev mode too.
 *
 * @example
 * ```ts
 * const ext: Extension = { name: 'mounts-admin', openapi: (doc, app) => addMountsOpenApi(doc, app) }
 * ```
 */
export function addMountsOpenApi(doc: Json, app: App): void {
  doc.components.schemas.Mount = mountSchema
  doc.components.schemas.MountDeploy = deploySchema
  const access = adminAccess(app)
  const op = (fields: Json, responses: Json): Json => ({ tags: ['system'], ...fields, ...access, responses: { ...responses, ...access.responses } })
  doc.paths['/_sys/mounts'] = {
    get: op({ operationId: '_sysMounts', summary: 'The mounts, in prefix order' }, { '200': { description: 'Every mount', content: { 'application/json': { schema: { type: 'object', required: ['mounts'], properties: { mounts: { type: 'array', items: ref('Mount') } } } } } } }),
    post: op(
      { operationId: '_sysMountsDeploy', summary: 'Deploy a mount without a restart', requestBody: { required: true, content: { 'application/json': { schema: ref('MountDeploy') } } } },
      {
        '201': mount('Deployed and serving', { Location: { schema: { type: 'string' }, description: '/_sys/mounts/{name}' } }),
        '409': problemResponse('A mount of that name, or an overlapping prefix, exists (mount-exists)'),
        '422': problemResponse('A bad body or dirs outside deploy_root (invalid-input, `errors` by JSON Pointer), or a file that does not load (deploy-failed, naming it)'),
      },
    ),
  }
  doc.paths['/_sys/mounts/{name}'] = {
    get: op({ operationId: '_sysMount', summary: 'One mount', parameters: [nameParam] }, { '200': mount('The mount'), '404': problemResponse('No mount of that name') }),
    delete: op({ operationId: '_sysMountsUndeploy', summary: 'Undeploy a mount: new requests under its prefix are 404, in-flight ones finish', parameters: [nameParam] }, { '204': { description: 'Undeployed' }, '404': problemResponse('No mount of that name') }),
  }
}
