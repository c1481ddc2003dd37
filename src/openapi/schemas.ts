import type { JsonSchemaObject } from '../schema/infer.ts'

type Json = Record<string, unknown>

/**
 * Moves a schema into `components.schemas` under `name`, hoisting its
 * `$defs` beside it (prefixed) and rewriting `#/$defs/…` references, so
 * schemas from zod or TypeBox stay valid inside one OpenAPI document.
 * Returns a `$ref` to the component.
 */
export function addComponent(components: Json, name: string, schema: JsonSchemaObject): Json {
  const defs = (schema as Json).$defs as Record<string, Json> | undefined
  const rename = (key: string): string => `${name}_${key}`
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (node === null || typeof node !== 'object') return node
    const out: Json = {}
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$schema' || k === '$defs' || k === '$id') continue
      if (k === '$ref' && typeof v === 'string') {
        out.$ref = v.startsWith('#/$defs/') ? `#/components/schemas/${rename(v.slice(8))}` : v === '#' ? `#/components/schemas/${name}` : v
      } else out[k] = rewrite(v)
    }
    return out
  }
  if (defs) for (const [key, def] of Object.entries(defs)) components[rename(key)] = rewrite(def)
  components[name] = rewrite(schema)
  return { $ref: `#/components/schemas/${name}` }
}

/** The schema of every problem document Serval sends. */
export const problemSchema: Json = {
  type: 'object',
  description: 'An RFC 9457 problem document',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', examples: ['urn:serval:problem:invalid-input'] },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
}

/** `say_hello` / `sayHello` → `SayHello`, for component names. */
export function pascalCase(name: string): string {
  return name.replace(/(^|[_-])([a-zA-Z0-9])/g, (_m, _s, c: string) => c.toUpperCase())
}

/**
 * An OpenAPI response whose body is a problem document (the `Problem`
 * component, as `application/problem+json`), with `headers` when given:
 * what every error answer of every path says.
 *
 * @example
 * ```ts
 * responses['404'] = problemResponse('No such job')
 * responses['429'] = problemResponse('Too many requests', { 'Retry-After': { schema: { type: 'integer' } } })
 * ```
 */
export function problemResponse(description: string, headers?: Json): Json {
  return { description, ...(headers ? { headers } : {}), content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
}
