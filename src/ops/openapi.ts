import type { App } from '../app/app.ts'
import { adminAccess } from '../auth/openapi.ts'
import { problemResponse } from '../openapi/schemas.ts'
import { settingDefs } from '../config/definitions.ts'

type Json = Record<string, any>

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const json = (description: string, schema: Json): Json => ({ description, content: { 'application/json': { schema } } })

const inFlightRequest: Json = {
  type: 'object',
  required: ['id', 'action', 'method', 'path', 'sub', 'startedAt', 'ageMs'],
  properties: {
    id: { type: 'string', description: 'The request id (X-Request-Id)' },
    action: { type: ['string', 'null'], description: 'The action it runs; null for any other route' },
    method: { type: 'string' },
    path: { type: 'string' },
    sub: { type: ['string', 'null'], description: 'The verified caller; null without credentials' },
    startedAt: { type: 'string', format: 'date-time' },
    ageMs: { type: 'integer', minimum: 0 },
  },
}

const logLevel: Json = { type: 'string', enum: [...settingDefs.log_level.values] }
const windowS: Json = { type: 'integer', minimum: 1, maximum: settingDefs.rate_limit_window_s.max }

const runtimeConfig: Json = {
  type: 'object',
  required: ['log_level', 'actions', 'rate_limit'],
  properties: {
    log_level: logLevel,
    actions: { type: 'object', description: 'Every action, by name', additionalProperties: { type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } } } },
    rate_limit: { type: 'object', required: ['max', 'window_s'], properties: { max: { type: 'integer', minimum: 0, description: '0 = off' }, window_s: windowS } },
  },
}

const runtimeConfigPatch: Json = {
  type: 'object',
  description: 'A JSON merge patch (RFC 7396) of RuntimeConfig: null removes an override (back to the startup setting)',
  additionalProperties: false,
  properties: {
    log_level: { anyOf: [logLevel, { type: 'null' }] },
    actions: {
      type: ['object', 'null'],
      additionalProperties: { anyOf: [{ type: 'object', additionalProperties: false, properties: { enabled: { type: ['boolean', 'null'] } } }, { type: 'null' }] },
    },
    rate_limit: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { max: { type: ['integer', 'null'], minimum: 0 }, window_s: { anyOf: [windowS, { type: 'null' }] } },
    },
  },
}

/**
 * Adds the admin views to the OpenAPI document: `GET /_sys/requests`,
 * `GET`/`PATCH /_sys/config`, with their schemas and problems. Open in dev
 * mode; otherwise they require `serval:admin` through the configured
 * schemes (`adminAccess`) and answer 401/403.
 *
 * @example
 * ```ts
 * const ext: Extension = { name: 'ops', openapi: (doc, app) => addOpsOpenApi(doc, app) }
 * ```
 */
export function addOpsOpenApi(doc: Json, app: App): void {
  Object.assign(doc.components.schemas, { InFlightRequest: inFlightRequest, RuntimeConfig: runtimeConfig, RuntimeConfigPatch: runtimeConfigPatch })
  // Open in dev mode (security: [] says so), else serval:admin through any configured scheme.
  const admin = (responses: Json): Json => {
    if (app.settings.dev_mode) return { security: [], responses }
    const access = adminAccess(app)
    return { ...access, responses: { ...responses, ...access.responses } }
  }
  const config = json('The runtime settings now', ref('RuntimeConfig'))
  doc.paths['/_sys/requests'] = {
    get: {
      operationId: '_sysRequests',
      tags: ['system'],
      summary: 'The requests in flight, oldest first',
      ...admin({ '200': json('The requests being answered now', { type: 'object', required: ['count', 'requests'], properties: { count: { type: 'integer' }, requests: { type: 'array', items: ref('InFlightRequest') } } }) }),
    },
  }
  doc.paths['/_sys/config'] = {
    get: { operationId: '_sysConfig', tags: ['system'], summary: 'The runtime settings: log level, action switches, default rate limit', ...admin({ '200': config }) },
    patch: {
      operationId: '_sysConfigPatch',
      tags: ['system'],
      summary: 'Change the runtime settings (kept in data_dir)',
      description: 'A JSON merge patch. A disabled action answers 503 on every transport. A bad patch changes nothing.',
      requestBody: { required: true, content: { 'application/merge-patch+json': { schema: ref('RuntimeConfigPatch') }, 'application/json': { schema: ref('RuntimeConfigPatch') } } },
      ...admin({
        '200': config,
        '400': problemResponse('The body is not valid JSON'),
        '415': problemResponse('The body is neither application/merge-patch+json nor application/json'),
        '422': problemResponse('An unknown key, an unknown action, or a bad value; `errors` lists each by JSON Pointer'),
      }),
    },
  }
}
