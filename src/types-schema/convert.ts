import type ts from 'typescript'
import { docOf } from './jsdoc.ts'

type Json = Record<string, unknown>

/** A type with no JSON Schema: `where` is the path into the input or output (`input.tags[]`), `type` the type as TypeScript prints it. */
export class InexpressibleType extends Error {
  constructor(
    readonly where: string,
    readonly type: string,
    readonly why: string,
  ) {
    super(`${where}: ${why} (type \`${type}\`)`)
  }
}

/** What converting one type needs: the compiler, the checker and the node the types are read at. */
export interface ConvertContext {
  readonly ts: typeof ts
  readonly checker: ts.TypeChecker
  readonly at: ts.Node
}

// Library types with a JSON form a client could send are refused with the reason and what to write instead.
const LIBRARY_HINT: Record<string, string> = {
  Date: 'a Date is no JSON value; use `string` (an ISO 8601 date, `toISOString()`)',
  Map: 'a Map is no JSON value; use `Record<string, T>`',
  Set: 'a Set is no JSON value; use an array',
  Promise: 'a Promise inside a value cannot be sent',
  Uint8Array: 'bytes are no JSON value; return `file()` or use a base64 `string`',
}

/**
 * Converts a TypeScript type to the JSON Schema (draft-07, as Ajv reads it)
 * that accepts exactly its JSON values: objects are closed
 * (`additionalProperties: false`) unless they have an index signature, a
 * property that may be `undefined` is optional, literal unions become `enum`.
 * A type with no JSON form (a function, a symbol, a bigint, a Date, an
 * unbound type parameter, a recursive type) throws `InexpressibleType`.
 *
 * @example
 * ```ts
 * toJsonSchema(checker.getTypeAtLocation(node), { ts, checker, at: node }, 'input')
 * // { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false }
 * ```
 */
export function toJsonSchema(type: ts.Type, ctx: ConvertContext, where: string, stack: ts.Type[] = [], optional = false): Json {
  const { ts: t, checker } = ctx
  const fail = (why: string): never => {
    throw new InexpressibleType(where, checker.typeToString(type), why)
  }
  const f = type.flags
  if (f & (t.TypeFlags.Any | t.TypeFlags.Unknown)) return {}
  if (f & t.TypeFlags.TypeParameter) return fail('a type parameter left open has no schema; give the handler a concrete type')
  if (f & (t.TypeFlags.BigInt | t.TypeFlags.BigIntLiteral)) return fail('a bigint is no JSON value; use `number` or a `string`')
  if (f & (t.TypeFlags.ESSymbol | t.TypeFlags.UniqueESSymbol)) return fail('a symbol is no JSON value')
  if (f & (t.TypeFlags.Undefined | t.TypeFlags.Void)) return fail('undefined is no JSON value; make the property optional (`?:`)')
  if (f & t.TypeFlags.Never) return fail('`never` has no values')
  if (f & t.TypeFlags.Null) return { type: 'null' }
  if (f & t.TypeFlags.StringLike && !(f & t.TypeFlags.StringLiteral)) return { type: 'string' }
  if (f & t.TypeFlags.NumberLike && !(f & t.TypeFlags.NumberLiteral)) return { type: 'number' }
  if (f & t.TypeFlags.Boolean) return { type: 'boolean' }
  const literal = literalOf(type, t)
  if (literal !== undefined) return { type: typeof literal, const: literal }
  if (type.isUnion()) return unionSchema(type, ctx, where, stack, optional)
  if (stack.includes(type)) return fail('a recursive type has no inline schema here; write the schema by hand (`input`/`output`)')
  const next = [...stack, type]
  if (type.isIntersection() && !type.types.every((m) => m.flags & t.TypeFlags.Object)) {
    return { allOf: type.types.map((m) => toJsonSchema(m, ctx, where, next)) }
  }
  if (f & t.TypeFlags.NonPrimitive) return { type: 'object' }
  if (f & (t.TypeFlags.Object | t.TypeFlags.Intersection)) return objectLikeSchema(type, ctx, where, next, fail)
  return fail('this type has no JSON Schema')
}

function literalOf(type: ts.Type, t: typeof ts): string | number | boolean | undefined {
  if (type.isStringLiteral() || type.isNumberLiteral()) return type.value
  if (type.flags & t.TypeFlags.BooleanLiteral) return (type as { intrinsicName?: string }).intrinsicName === 'true'
  return undefined
}

/** `'a' | 'b'` → enum; `T | null` → anyOf; `true | false` (how TypeScript spells boolean) → boolean. */
function unionSchema(type: ts.UnionType, ctx: ConvertContext, where: string, stack: ts.Type[], optional: boolean): Json {
  const t = ctx.ts
  const members = type.types.filter((m) => !(m.flags & (t.TypeFlags.Undefined | t.TypeFlags.Void)))
  // An optional property's type includes `undefined` under strict null checks: the `?` already says so.
  if (members.length < type.types.length && !optional) {
    throw new InexpressibleType(where, ctx.checker.typeToString(type), 'a value that may be undefined has no JSON form; make the property optional (`?:`) instead')
  }
  const literals = members.map((m) => literalOf(m, t))
  const kinds = new Set(literals.map((l) => typeof l))
  if (!literals.includes(undefined) && kinds.size === 1) {
    const values = literals as (string | number | boolean)[]
    if (kinds.has('boolean') && values.length === 2) return { type: 'boolean' }
    return { type: [...kinds][0], enum: values }
  }
  const parts: Json[] = []
  const trues = members.filter((m) => m.flags & t.TypeFlags.BooleanLiteral)
  if (trues.length === 2) parts.push({ type: 'boolean' })
  // TypeScript orders union members by creation (`null` first); a reader writes `T | null`.
  const ordered = [...members.filter((m) => !(m.flags & t.TypeFlags.Null)), ...members.filter((m) => m.flags & t.TypeFlags.Null)]
  for (const m of ordered) if (!(trues.length === 2 && m.flags & t.TypeFlags.BooleanLiteral)) parts.push(toJsonSchema(m, ctx, where, stack))
  return parts.length === 1 ? (parts[0] as Json) : { anyOf: parts }
}

function objectLikeSchema(type: ts.Type, ctx: ConvertContext, where: string, stack: ts.Type[], fail: (why: string) => never): Json {
  const { checker } = ctx
  if (type.getCallSignatures().length || type.getConstructSignatures().length) fail('a function is no JSON value')
  if (checker.isTupleType(type)) return tupleSchema(type as ts.TypeReference, ctx, where, stack)
  if (checker.isArrayType(type)) {
    const item = checker.getTypeArguments(type as ts.TypeReference)[0]
    return { type: 'array', items: item ? toJsonSchema(item, ctx, `${where}[]`, stack) : {} }
  }
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName() ?? ''
  const hint = LIBRARY_HINT[name]
  if (hint && isLibrary(type)) fail(hint)
  // The standard library's own JSDoc ("Construct a type with a set of properties K…") documents no API.
  return withDoc(objectSchema(type, ctx, where, stack), isLibrary(type) ? undefined : (type.aliasSymbol ?? type.getSymbol()), ctx)
}

function tupleSchema(type: ts.TypeReference, ctx: ConvertContext, where: string, stack: ts.Type[]): Json {
  const target = type.target as ts.TupleType
  const items = ctx.checker.getTypeArguments(type).map((m, i) => toJsonSchema(m, ctx, `${where}[${i}]`, stack))
  if (target.hasRestElement) throw new InexpressibleType(where, ctx.checker.typeToString(type), 'a tuple with a rest element has no draft-07 schema; use an array')
  return { type: 'array', items, minItems: target.minLength, maxItems: items.length, additionalItems: false }
}

function objectSchema(type: ts.Type, ctx: ConvertContext, where: string, stack: ts.Type[]): Json {
  const { ts: t, checker } = ctx
  const properties: Record<string, Json> = {}
  const required: string[] = []
  for (const prop of checker.getPropertiesOfType(type)) {
    const path = `${where}.${prop.getName()}`
    const optional = (prop.flags & t.SymbolFlags.Optional) !== 0
    const propType = checker.getTypeOfSymbolAtLocation(prop, ctx.at)
    properties[prop.getName()] = withDoc(toJsonSchema(propType, ctx, path, stack, optional), prop, ctx)
    if (!optional) required.push(prop.getName())
  }
  // No empty `properties`: GraphQL reads an object with named fields as an input type, and a record has none.
  const schema: Json = Object.keys(properties).length ? { type: 'object', properties } : { type: 'object' }
  if (required.length) schema.required = required
  const index = checker.getIndexInfoOfType(type, t.IndexKind.String) ?? checker.getIndexInfoOfType(type, t.IndexKind.Number)
  schema.additionalProperties = index ? toJsonSchema(index.type, ctx, `${where}[key]`, stack) : false
  return schema
}

function isLibrary(type: ts.Type): boolean {
  const decls = (type.aliasSymbol ?? type.getSymbol())?.getDeclarations() ?? []
  return decls.some((d) => /[\\/]typescript[\\/]lib[\\/]lib\.|[\\/]@types[\\/]node[\\/]/.test(d.getSourceFile().fileName))
}

/** Adds a symbol's JSDoc: its text as `description`, each `@example` as one of `examples`. */
function withDoc(schema: Json, symbol: ts.Symbol | undefined, ctx: ConvertContext): Json {
  if (!symbol) return schema
  const doc = docOf(symbol, ctx)
  if (doc.description) schema.description = doc.description
  if (doc.examples.length) schema.examples = doc.examples.map(parseExampleValue)
  return schema
}

function parseExampleValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
