type Json = Record<string, unknown>

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * Prints a JSON Schema as the TypeScript type of the JSON values it
 * accepts: `$ref`s to `#/components/schemas/X` become the type `X`,
 * `enum`/`const` literal unions, `anyOf`/`oneOf` unions, `allOf`
 * intersections, objects with their optional and required properties (and
 * descriptions as JSDoc), arrays and tuples. What it cannot narrow is
 * `unknown`, never `any`.
 *
 * @example
 * ```ts
 * schemaToTs({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }) // '{ n: number }'
 * ```
 */
export function schemaToTs(schema: unknown, indent = ''): string {
  if (schema === true || schema === undefined) return 'unknown'
  if (schema === false) return 'never'
  if (schema === null || typeof schema !== 'object') return 'unknown'
  const s = schema as Json
  const base = baseType(s, indent)
  return s.nullable === true && base !== 'unknown' ? `${base} | null` : base
}

function baseType(s: Json, indent: string): string {
  if (typeof s.$ref === 'string') return refName(s.$ref)
  if ('const' in s) return literal(s.const)
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ') || 'never'
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) return union(((s.anyOf ?? s.oneOf) as unknown[]).map((m) => schemaToTs(m, indent)))
  if (Array.isArray(s.allOf)) return s.allOf.map((m) => wrap(schemaToTs(m, indent))).join(' & ')
  if (Array.isArray(s.type)) return union(s.type.map((t) => baseType({ ...s, type: t }, indent)))
  switch (s.type) {
    case 'string':
      return 'string'
    case 'number':
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      return arrayType(s, indent)
    case 'object':
      return objectType(s, indent)
    default:
      return s.properties ? objectType(s, indent) : 'unknown'
  }
}

function arrayType(s: Json, indent: string): string {
  const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined
  if (!tuple) return `Array<${schemaToTs(s.items, indent)}>`
  const min = typeof s.minItems === 'number' ? s.minItems : tuple.length
  return `[${tuple.map((m, i) => `${schemaToTs(m, indent)}${i >= min ? '?' : ''}`).join(', ')}]`
}

function objectType(s: Json, indent: string): string {
  const props = (s.properties ?? {}) as Record<string, unknown>
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : [])
  const extra = s.additionalProperties
  const inner = `${indent}  `
  const lines = Object.entries(props).map(([key, value]) => {
    const doc = docComment(value, inner)
    return `${doc}${inner}${IDENT.test(key) ? key : JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${schemaToTs(value, inner)}`
  })
  if (extra !== undefined && extra !== false && extra !== true) {
    // An index signature must admit every property's type: the named ones are listed, the rest typed.
    lines.push(`${inner}[key: string]: ${lines.length ? 'unknown' : schemaToTs(extra, inner)}`)
  } else if (lines.length === 0 && extra !== false) return 'Record<string, unknown>'
  return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>'
}

function docComment(schema: unknown, indent: string): string {
  const description = schema && typeof schema === 'object' ? (schema as Json).description : undefined
  return typeof description === 'string' && description !== '' ? `${indent}/** ${description.replace(/\*\//g, '*\\/').replace(/\n/g, ' ')} */\n` : ''
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)]
  return unique.length ? unique.map(wrap).join(' | ') : 'never'
}

function wrap(type: string): string {
  return /^[\w$<>[\]".,\s-]+$/.test(type) && !type.includes(' | ') ? type : `(${type})`
}

function literal(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value)
}

/**
 * The type name of a component reference: `#/components/schemas/Say_Hello-Input` → `Say_Hello_Input`.
 *
 * @example
 * ```ts
 * refName('#/components/schemas/SayHelloInput') // 'SayHelloInput'
 * ```
 */
export function refName(ref: string): string {
  return typeName(ref.split('/').pop() ?? 'Unknown')
}

/** A component name as a TypeScript identifier. */
export function typeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_$]/g, '_')
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned
}
