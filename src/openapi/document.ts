import type { App } from '../app/app.ts'
import { publicBaseUrl } from '../config/public-url.ts'
import { binaryFields } from '../schema/index.ts'
import type { CompiledAction } from '../core/registry.ts'
import { addRateLimitToOpenApi } from '../http/security/rate-limit.ts'
import { addComponent, pascalCase, problemResponse, problemSchema } from './schemas.ts'
import { addSummaries, firstSentence } from './summary.ts'
import { systemPaths, systemSchemas } from './system.ts'
import { collectTags, tagOf, type TagInfo } from './tags.ts'
import { appVersion } from './version.ts'

type Json = Record<string, any>

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'The body is not valid JSON, or the request is malformed',
  '413': 'The body is over the size limit',
  '415': 'The content type is not JSON',
  '422': 'The input does not match the schema; `errors` lists every failing path',
  '500': 'The action failed, or produced an output that does not match its schema',
  '503': 'The server is shutting down',
}

/**
 * Builds the OpenAPI 3.1 document: one operation per action and method,
 * `operationId` = action name, a summary (the description's first
 * sentence) and a tag per source file or folder, schemas as components,
 * examples, and every error response. Extensions add their own paths.
 * `info.version` is the project's package version; the functionsVersion
 * is `x-serval-functions-version`.
 *
 * @example
 * ```ts
 * const doc = buildOpenApi(app)
 * doc.paths['/actions/say-hello'].get.operationId // 'sayHello'
 * ```
 */
export function buildOpenApi(app: App, title = 'Serval API'): Json {
  const components: Json = { schemas: { Problem: problemSchema, ...systemSchemas() }, responses: {} }
  for (const [status, description] of Object.entries(ERROR_RESPONSES)) components.responses[`Error${status}`] = problemResponse(description)
  const doc: Json = {
    openapi: '3.1.0',
    info: { title, version: appVersion(app), description: 'Served by Serval', 'x-serval-functions-version': app.functionsVersion },
    ...servers(publicBaseUrl(app.settings)),
    paths: { ...systemPaths() },
    components,
    tags: [{ name: 'system', description: 'Health, readiness and server info' }],
  }
  const tags: TagInfo[] = []
  for (const action of app.registry.list()) addActionPaths(doc, action, tagFor(app, action, tags))
  for (const ext of app.extensions) ext.openapi?.(doc, app)
  // Last: the 429s go on every limited operation, the extensions' (POST /jobs/…) included.
  addRateLimitToOpenApi(doc, app)
  addSummaries(doc)
  collectTags(doc, tags)
  return doc
}

/** Unset, OpenAPI's default server `/` resolves paths against wherever the document was fetched. */
function servers(base: string | undefined): Json {
  return base ? { servers: [{ url: base }] } : {}
}

/** The action's own `tags`, else the tag of its source file or folder (remembered, with its description, in `tags`). */
function tagFor(app: App, action: CompiledAction, tags: TagInfo[]): string[] {
  if (action.def.tags) return [...action.def.tags]
  const tag = tagOf(app, action)
  if (!tags.some((t) => t.name === tag.name)) tags.push(tag)
  return [tag.name]
}

function addActionPaths(doc: Json, action: CompiledAction, tags: string[]): void {
  if (action.methods.length === 0) return
  const base = pascalCase(action.name)
  const input = addComponent(doc.components.schemas, `${base}Input`, action.input.jsonSchema)
  const output = action.output ? addComponent(doc.components.schemas, `${base}Output`, action.output.jsonSchema) : undefined
  const item: Json = (doc.paths[`/actions/${action.path}`] = {})
  action.methods.forEach((method, i) => {
    item[method.toLowerCase()] = operation(action, method, i === 0 ? action.name : `${action.name}_${method.toLowerCase()}`, { input, output, tags })
  })
}

function operation(action: CompiledAction, method: string, operationId: string, parts: { input: Json; output: Json | undefined; tags: string[] }): Json {
  const def = action.def
  const { input, output } = parts
  const summary = def.summary ?? (def.description ? firstSentence(def.description) : action.name)
  const op: Json = {
    operationId,
    tags: parts.tags,
    summary,
    ...(def.description ? { description: def.description } : {}),
    ...(def.deprecated ? { deprecated: true } : {}),
    responses: responses(action, output),
  }
  if (method === 'GET' || method === 'DELETE') op.parameters = queryParameters(action)
  else op.requestBody = requestBody(action, input)
  return op
}

function responses(action: CompiledAction, output: Json | undefined): Json {
  const examples = Object.fromEntries(
    (action.def.examples ?? []).filter((e) => e.output !== undefined).map((e) => [e.name, { summary: e.description ?? e.name, value: e.output }]),
  )
  const content: Json = { schema: output ?? {} }
  if (Object.keys(examples).length) content.examples = examples
  const media = action.streaming ? streamMedia(output) : { 'application/json': content }
  const out: Json = { '200': { description: action.streaming ? 'A stream of items' : 'The output', content: media } }
  if (!action.output && !action.streaming) out['204'] = { description: 'The action returned nothing' }
  for (const status of Object.keys(ERROR_RESPONSES)) out[status] = { $ref: `#/components/responses/Error${status}` }
  return out
}

/**
 * A stream's two formats. OpenAPI 3.1 has no keyword for the schema of each
 * item (3.2 adds `itemSchema`, which 3.1 validators reject), so it goes in
 * the `x-item-schema` extension and the description names it.
 */
function streamMedia(item: Json | undefined): Json {
  const schema = item ?? {}
  const each = item?.$ref ? `each item is a \`${String(item.$ref).split('/').pop()}\`` : 'each item is JSON'
  return {
    'text/event-stream': {
      schema: {
        type: 'string',
        description: `Server-sent events (the default): one \`data\` event per item (${each}); \`event: error\` with a problem if the stream fails; then \`event: end\` with \`{"count": n}\`. Comment lines are heartbeats.`,
      },
      'x-item-schema': schema,
    },
    'application/x-ndjson': {
      schema: { type: 'string', description: `With \`Accept: application/x-ndjson\`: one JSON item per line (${each}); a failure ends the stream with a line \`{"error": problem}\`.` },
      'x-item-schema': schema,
    },
  }
}

function requestBody(action: CompiledAction, input: Json): Json {
  const examples = Object.fromEntries((action.def.examples ?? []).map((e) => [e.name, { summary: e.description ?? e.name, value: e.input }]))
  const content: Json = { schema: input }
  if (Object.keys(examples).length) content.examples = examples
  if (binaryFields(action.input.jsonSchema).size === 0) return { required: false, content: { 'application/json': content } }
  // A file cannot travel in JSON: the form is the body that works, JSON the one for the other fields.
  return { required: true, content: { 'multipart/form-data': { schema: input }, 'application/json': content } }
}

function queryParameters(action: CompiledAction): Json[] {
  const schema = action.input.jsonSchema as Json
  const required = new Set<string>((schema.required as string[] | undefined) ?? [])
  return Object.entries((schema.properties as Record<string, Json> | undefined) ?? {}).map(([name, prop]) => {
    const param: Json = { name, in: 'query', required: required.has(name), schema: prop }
    if (prop.type === 'object') Object.assign(param, { style: 'deepObject', explode: true })
    if (typeof prop.description === 'string') param.description = prop.description
    return param
  })
}
