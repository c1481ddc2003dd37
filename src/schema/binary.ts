import type { JsonSchemaObject } from './infer.ts'

type Node = Record<string, unknown>

/** The keyword the input validator checks files with (see {@link withFileChecks}). */
export const FILE_KEYWORD = 'x-serval-file'

/**
 * True for the schema of an uploaded file: `{ type: 'string', format: 'binary' }`,
 * as OpenAPI writes it (zod's `z.file()` and Serval's `upload()` give it too).
 *
 * @example
 * ```ts
 * isBinarySchema({ type: 'string', format: 'binary' }) // true
 * ```
 */
export function isBinarySchema(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false
  const { type, format } = node as Node
  return format === 'binary' && (type === 'string' || type === undefined)
}

/**
 * The dotted paths of an input's file properties (a list of files counts),
 * through nested objects: what a multipart part may carry as a file.
 *
 * @example
 * ```ts
 * binaryFields({ type: 'object', properties: { photo: upload(), meta: { type: 'object', properties: { thumb: upload() } } } })
 * // Set { 'photo', 'meta.thumb' }
 * ```
 */
export function binaryFields(schema: JsonSchemaObject): Set<string> {
  const found = new Set<string>()
  const walk = (node: unknown, path: string, depth: number) => {
    if (depth > 8 || node === null || typeof node !== 'object') return
    const n = node as Node
    if (isBinarySchema(n) || (n.type === 'array' && isBinarySchema(n.items))) return void found.add(path)
    const props = n.properties
    if (props && typeof props === 'object') for (const [key, sub] of Object.entries(props)) walk(sub, path ? `${path}.${key}` : key, depth + 1)
  }
  walk(schema, '', 0)
  return found
}

/**
 * A copy of an input schema for the validator, in which each file schema
 * checks for a `File` (a `Blob`) instead of a string. The documented schema
 * keeps `{ type: 'string', format: 'binary' }`, which is what OpenAPI and
 * clients expect to see.
 *
 * @example
 * ```ts
 * withFileChecks({ type: 'object', properties: { photo: { type: 'string', format: 'binary' } } })
 * // { type: 'object', properties: { photo: { 'x-serval-file': true } } }
 * ```
 */
export function withFileChecks(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withFileChecks)
  if (schema === null || typeof schema !== 'object') return schema
  if (isBinarySchema(schema)) {
    const { type: _type, format: _format, contentEncoding: _enc, ...rest } = schema as Node
    return { ...rest, [FILE_KEYWORD]: true }
  }
  const out: Node = {}
  for (const [key, value] of Object.entries(schema)) out[key] = withFileChecks(value)
  return out
}

/** True when the schema has a file anywhere (most have none: their validator is compiled as written). */
export function hasBinary(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false
  if (isBinarySchema(schema)) return true
  return Object.values(schema).some(hasBinary)
}
