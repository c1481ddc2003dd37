import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLString,
  valueFromASTUntyped,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql'
import { pascalCase } from '../openapi/schemas.ts'

type Json = Record<string, unknown>

/** Names GraphQL accepts for types, fields and enum values. */
export const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/

/**
 * The scalar of every schema GraphQL has no type for (unions, maps,
 * untyped values): the value passes through as JSON.
 *
 * @example
 * ```ts
 * new GraphQLObjectType({ name: 'X', fields: { any: { type: JsonScalar } } })
 * ```
 */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
})

/** The JSON Schema of one action's input or output, with the `$defs` its `$ref`s point into. */
interface Root {
  readonly schema: Json
}

/**
 * Maps JSON Schema onto GraphQL types as SPEC §9 says: scalars, string
 * enums, lists, object types named from `title` or the name given (nested
 * objects add their property name), `JSON` for anything else. Identical
 * schemas share one type; a name taken by a different schema gets a number.
 *
 * @example
 * ```ts
 * const types = new TypeMapper()
 * types.output({ type: 'object', properties: { n: { type: 'integer' } } }, 'AddOutput') // type AddOutput { n: Int }
 * ```
 */
export class TypeMapper {
  readonly #outputs = new Map<string, GraphQLOutputType>()
  readonly #inputs = new Map<string, GraphQLInputType>()
  readonly #enums = new Map<string, GraphQLEnumType>()
  readonly #names = new Set<string>(['JSON', 'Query', 'Mutation', 'Subscription'])

  /**
   * The output type of `schema`, nullable (required properties inside it are `!`).
   * `extra` adds fields (an action's `fields`) to the object, or to a list's item:
   * that type is the action's own, never shared.
   */
  output(schema: unknown, name: string, root: Root = { schema: schema as Json }, extra?: () => GraphQLFieldConfigMap<unknown, unknown>): GraphQLOutputType {
    const node = resolve(schema, root)
    const scalar = this.#leaf(node, name)
    if (scalar && !extra) return scalar
    if (isList(node)) return new GraphQLList(nonNullUnless(node.items, this.output(node.items, `${name}Item`, root, extra)))
    if (!isObject(node)) {
      if (extra) throw new TypeError(`${name}: fields need an object output (or a list of objects)`)
      return JsonScalar
    }
    const key = keyOf(node, root)
    const known = extra ? undefined : this.#outputs.get(key)
    if (known) return known
    const typeName = this.#claim(titleOf(node) ?? name)
    const type: GraphQLObjectType = new GraphQLObjectType({ name: typeName, fields: () => ({ ...this.#outputFields(node, typeName, root), ...extra?.() }) })
    if (!extra) this.#outputs.set(key, type)
    return type
  }

  /** The input type of `schema` (objects become `…Input` types). */
  input(schema: unknown, name: string, root: Root = { schema: schema as Json }): GraphQLInputType {
    const node = resolve(schema, root)
    const scalar = this.#leaf(node, name)
    if (scalar) return scalar
    if (isList(node)) return new GraphQLList(nonNullUnless(node.items, this.input(node.items, `${name}Item`, root)))
    if (!isObject(node)) return JsonScalar
    const key = keyOf(node, root)
    const known = this.#inputs.get(key)
    if (known) return known
    const title = titleOf(node)
    const typeName = this.#claim(title ? `${title}Input` : name)
    const type: GraphQLInputObjectType = new GraphQLInputObjectType({ name: typeName, fields: () => this.inputFields(node, typeName, root) })
    this.#inputs.set(key, type)
    return type
  }

  /** The fields of an input object: also the arguments of a root field. */
  inputFields(node: Json, name: string, root: Root): GraphQLInputFieldConfigMap {
    const fields: GraphQLInputFieldConfigMap = {}
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : [])
    for (const [prop, sub] of usableProperties(node)) {
      const type = this.input(sub, `${name}${pascalCase(prop)}`, root)
      const def = (resolve(sub, root) as Json).default
      const mandatory = required.has(prop) && def === undefined
      fields[prop] = { type: mandatory ? new GraphQLNonNull(type) : type, ...describe(sub), ...(def === undefined ? {} : { defaultValue: def }) }
    }
    return fields
  }

  #outputFields(node: Json, name: string, root: Root): GraphQLFieldConfigMap<unknown, unknown> {
    const fields: GraphQLFieldConfigMap<unknown, unknown> = {}
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : [])
    for (const [prop, sub] of usableProperties(node)) {
      const type = this.output(sub, `${name}${pascalCase(prop)}`, root)
      fields[prop] = { type: required.has(prop) && !nullable(sub) ? new GraphQLNonNull(type) : type, ...describe(sub) }
    }
    // GraphQL has no empty object type: an object without usable properties is one JSON field.
    if (Object.keys(fields).length === 0) fields._value = { type: JsonScalar, resolve: (parent) => parent }
    return fields
  }

  #leaf(node: Json, name: string): GraphQLScalarType | GraphQLEnumType | undefined {
    const type = typeOf(node)
    if (Array.isArray(node.enum) && node.enum.length > 0 && node.enum.every((v) => typeof v === 'string' && GRAPHQL_NAME.test(v))) return this.#enum(node, name)
    if (type === 'string') return GraphQLString
    if (type === 'integer') return GraphQLInt
    if (type === 'number') return GraphQLFloat
    if (type === 'boolean') return GraphQLBoolean
    return undefined
  }

  #enum(node: Json, name: string): GraphQLEnumType {
    const values = node.enum as string[]
    const key = JSON.stringify(values)
    const known = this.#enums.get(key)
    if (known) return known
    const type = new GraphQLEnumType({ name: this.#claim(titleOf(node) ?? name), values: Object.fromEntries(values.map((v) => [v, { value: v }])) })
    this.#enums.set(key, type)
    return type
  }

  #claim(name: string): string {
    let candidate = GRAPHQL_NAME.test(name) ? name : pascalCase(name.replace(/[^_0-9A-Za-z]/g, '_'))
    for (let n = 2; this.#names.has(candidate); n++) candidate = `${name}${n}`
    this.#names.add(candidate)
    return candidate
  }
}

/** Follows local `$ref`s (`#`, `#/$defs/…`, `#/definitions/…`) and drops `null` from nullable unions. */
function resolve(schema: unknown, root: Root, seen = 0): Json {
  if (schema === null || typeof schema !== 'object' || seen > 32) return {}
  const node = schema as Json
  if (typeof node.$ref === 'string') return resolve(pointer(root.schema, node.$ref), root, seen + 1)
  const union = (node.anyOf ?? node.oneOf) as unknown[] | undefined
  if (Array.isArray(union)) {
    const rest = union.filter((s) => typeOf(s as Json) !== 'null')
    if (rest.length === 1) return resolve(rest[0], root, seen + 1)
  }
  return node
}

function pointer(schema: Json, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined
  return ref
    .slice(1)
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], schema)
}

/** The one non-null `type` of a node (`['string', 'null']` is a string). */
function typeOf(node: Json): unknown {
  const type = node.type
  if (!Array.isArray(type)) return type
  const rest = type.filter((t) => t !== 'null')
  return rest.length === 1 ? rest[0] : undefined
}

/** List items are `!` unless their schema admits `null`. */
function nonNullUnless<T extends GraphQLOutputType | GraphQLInputType>(items: unknown, type: T): T {
  return (nullable(items) || type instanceof GraphQLNonNull ? type : new GraphQLNonNull(type)) as T
}

function nullable(schema: unknown): boolean {
  const node = schema as Json
  if (Array.isArray(node.type) && node.type.includes('null')) return true
  const union = (node.anyOf ?? node.oneOf) as Json[] | undefined
  return Array.isArray(union) && union.some((s) => typeOf(s) === 'null')
}

function isList(node: Json): node is Json & { items: unknown } {
  return typeOf(node) === 'array' && typeof node.items === 'object' && node.items !== null
}

function isObject(node: Json): boolean {
  return typeOf(node) === 'object' && typeof node.properties === 'object' && node.properties !== null
}

function usableProperties(node: Json): [string, unknown][] {
  return Object.entries((node.properties ?? {}) as Json).filter(([prop]) => GRAPHQL_NAME.test(prop))
}

function titleOf(node: Json): string | undefined {
  return typeof node.title === 'string' && node.title.length > 0 ? pascalCase(node.title) : undefined
}

function describe(schema: unknown): { description?: string } {
  const d = (schema as Json).description
  return typeof d === 'string' ? { description: d } : {}
}

/** Identical schemas share a key; one with `$ref`s is only identical within its own root. */
const rootIds = new WeakMap<Json, number>()
let nextRootId = 1
function keyOf(node: Json, root: Root): string {
  const text = JSON.stringify(node, (k, v: unknown) => (k === 'description' || k === 'examples' ? undefined : v))
  if (!text.includes('"$ref"')) return text
  if (!rootIds.has(root.schema)) rootIds.set(root.schema, nextRootId++)
  return `${rootIds.get(root.schema)}:${text}`
}
