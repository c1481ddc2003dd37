import type { ServalError } from '../errors/index.ts'
import { invalidInput } from './compile.ts'
import type { JsonSchemaObject } from './infer.ts'

/** Turns a parsed query string into the input object its schema expects. */
export type QueryCoercer = (query: Record<string, unknown>) => Record<string, unknown>

type Coerce = (value: unknown) => unknown
type Node = Record<string, unknown>

// A JSON number, nothing looser: no hex, padding, `_`, `+`, `.5` or `1.`. Each
// part is matched one way only, so the test is linear in the length (the old
// `\d+\.?\d*` could split a run of digits n ways: quadratic on a miss).
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/
const identity: Coerce = (v) => v
const PROTO = '__proto__'
const UNSAFE_KEYS = new Set([PROTO, 'constructor', 'prototype'])

/**
 * Compiles, once per action, how its query string becomes input: nested
 * keys (`a[b]=1`, `a.b=1`) expand to objects, repeated keys are arrays, and
 * text is coerced only where the schema asks for a number, boolean or null.
 * Anything it cannot coerce is left as text for the validator to reject.
 *
 * @example
 * ```ts
 * const c = compileQueryCoercer({ type: 'object', properties: { a: { type: 'number' } } })
 * c({ a: '1' }) // { a: 1 }
 * ```
 */
export function compileQueryCoercer(schema: JsonSchemaObject): QueryCoercer {
  const root = schema as Node
  const resolve = makeResolver(root)
  const coerceRoot = compileNode(root, resolve, 0)
  const literalKeys = new Set(Object.keys((root.properties as Node | undefined) ?? {}))
  // The common query (flat keys, an object schema) goes straight to the object's coercer, which
  // builds the one new object and drops `__proto__` itself: no copy before it.
  const flat = typesOf(resolve(root), resolve).has('object') ? compileObject(resolve(root), resolve, 0) : undefined
  return (query) => {
    if (hasNestedKeys(query, literalKeys)) return coerceRoot(expandKeys(query, literalKeys)) as Record<string, unknown>
    return (flat !== undefined ? flat(query) : coerceRoot(withoutProto(query))) as Record<string, unknown>
  }
}

function hasNestedKeys(query: Record<string, unknown>, literal: Set<string>): boolean {
  for (const key in query) if (!literal.has(key) && (key.includes('[') || key.includes('.'))) return true
  return false
}

function makeResolver(root: Node): (node: Node) => Node {
  return (node) => {
    const ref = node.$ref
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return node
    let target: unknown = root
    for (const part of ref.slice(2).split('/')) target = (target as Node | undefined)?.[part]
    return (target as Node | undefined) ?? {}
  }
}

function typesOf(node: Node, resolve: (n: Node) => Node): Set<string> {
  const types = new Set<string>()
  const t = node.type
  if (typeof t === 'string') types.add(t)
  else if (Array.isArray(t)) for (const x of t) types.add(String(x))
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = node[key]
    if (Array.isArray(branches)) for (const b of branches) for (const x of typesOf(resolve(b as Node), resolve)) types.add(x)
  }
  if (node.const !== undefined) types.add(typeof node.const)
  if (Array.isArray(node.enum)) for (const e of node.enum) types.add(e === null ? 'null' : typeof e)
  return types
}

function compileNode(raw: Node, resolve: (n: Node) => Node, depth: number): Coerce {
  if (depth > 8) return identity // recursive schemas: deeper levels stay text
  const node = resolve(raw)
  const types = typesOf(node, resolve)
  const scalar = compileScalar(types)
  const items = types.has('array') ? compileNode((node.items as Node | undefined) ?? {}, resolve, depth + 1) : undefined
  const object = types.has('object') ? compileObject(node, resolve, depth) : undefined
  return (value) => {
    if (Array.isArray(value)) return items ? value.map(items) : value
    if (items && isIndexed(value)) return Object.values(value as Node).map(items)
    if (typeof value === 'string') return items ? [items(value)] : scalar(value)
    if (value instanceof Blob) return items ? [value] : value // one file part of a list of files
    if (object && value !== null && typeof value === 'object') return object(value as Node)
    return value
  }
}

function compileScalar(types: Set<string>): (text: string) => unknown {
  if (types.has('string') || types.size === 0) return (t) => t
  const numeric = types.has('number') || types.has('integer')
  const boolean = types.has('boolean')
  const nullable = types.has('null')
  return (text) => {
    if (numeric && NUMBER.test(text)) return finiteOrText(text)
    if (boolean && (text === 'true' || text === 'false')) return text === 'true'
    if (nullable && (text === '' || text === 'null')) return null
    return text
  }
}

/** `1e400` is decimal but not a number a schema can hold: it stays text, so the validator answers 422. */
function finiteOrText(text: string): number | string {
  const n = Number(text)
  return Number.isFinite(n) ? n : text
}

function compileObject(node: Node, resolve: (n: Node) => Node, depth: number): (value: Node) => Node {
  const props = (node.properties as Record<string, Node> | undefined) ?? {}
  const fields = new Map<string, Coerce>()
  for (const [key, sub] of Object.entries(props)) fields.set(key, compileNode(sub, resolve, depth + 1))
  const extra = node.additionalProperties
  const rest = extra && typeof extra === 'object' ? compileNode(extra as Node, resolve, depth + 1) : identity
  return (value) => {
    const out: Node = {}
    for (const key of Object.keys(value)) if (key !== PROTO) out[key] = (fields.get(key) ?? rest)(value[key])
    return out
  }
}

/** Expands `a[b]=1`, `a[]=1` and `a.b=1` into nested objects; keys the schema names literally stay as they are. */
function expandKeys(query: Record<string, unknown>, literal: Set<string>): Node {
  const out: Node = {}
  for (const key of Object.keys(query)) {
    const path = literal.has(key) ? [key] : splitKey(key)
    if (path.some((p) => UNSAFE_KEYS.has(p))) continue
    let value = query[key]
    if (path.length > 1 && path[path.length - 1] === '') {
      path.pop() // `a[]=x`: the key is a list even with one value
      value = Array.isArray(value) ? value : [value]
    }
    assignPath(out, path, value)
  }
  return out
}

/**
 * A copy without `__proto__`: the query parser keeps it as an own key, and
 * any later `out[key] = value` (ours, or a handler's `Object.assign`) would
 * set the prototype instead of a property. It is dropped, never a property.
 */
function withoutProto(query: Record<string, unknown>): Node {
  const { [PROTO]: _dropped, ...rest } = query
  return rest
}

function splitKey(key: string): string[] {
  const parts: string[] = []
  for (const dotted of key.split('.')) {
    const match = /^([^[]*)((?:\[[^\]]*\])*)$/.exec(dotted)
    if (!match) {
      parts.push(dotted)
      continue
    }
    if (match[1]) parts.push(match[1])
    for (const m of (match[2] ?? '').matchAll(/\[([^\]]*)\]/g)) parts.push(m[1] ?? '')
  }
  return parts
}

function assignPath(target: Node, path: string[], value: unknown): void {
  let cursor: Node = target
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string
    const next = cursor[key]
    if (next === undefined) cursor[key] = {}
    else if (!isPlainObject(next)) throw conflict(path.slice(0, i + 1))
    cursor = cursor[key] as Node
  }
  const last = path[path.length - 1] as string
  const prev = cursor[last]
  if (isPlainObject(prev) !== isPlainObject(value) && prev !== undefined) throw conflict(path)
  cursor[last] = prev === undefined ? value : ([] as unknown[]).concat(prev, value)
}

/** An object the query (or a multipart form) nests into; a file part is a value, never a parent. */
function isPlainObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Blob)
}

/** `a=x&a[b]=y`: keeping either part would silently drop the other. */
function conflict(path: string[]): ServalError {
  const name = path.join('.')
  return invalidInput([{ path: `/${path.join('/')}`, message: `"${name}" is given both as a value and as an object (e.g. ${name}=… and ${name}[key]=…); send one` }])
}

/** `a[0]=x&a[1]=y` arrives as `{ 0: 'x', 1: 'y' }`; where the schema wants a list it is one. */
function isIndexed(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  const keys = Object.keys(value)
  return keys.length > 0 && keys.every((k) => /^\d+$/.test(k))
}
