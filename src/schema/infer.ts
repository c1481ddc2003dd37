import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { Static, TSchema } from '@sinclair/typebox'

/**
 * Anything Serval accepts as a schema: a Standard Schema v1 value (zod 4,
 * valibot, arktype…), a TypeBox schema, or a plain JSON Schema object.
 *
 * @example
 * ```ts
 * const a: SchemaLike = z.string()
 * const b: SchemaLike = { type: 'object', properties: { n: { type: 'number' } } } as const
 * ```
 */
export type SchemaLike = StandardSchemaV1 | TSchema | JsonSchemaObject

/** A JSON Schema object (draft 2020-12 / OpenAPI 3.1). */
export interface JsonSchemaObject {
  readonly type?: string | readonly string[]
  readonly [keyword: string]: unknown
}

type Simplify<T> = { [K in keyof T]: T[K] } & {}

type JsonPrimitive<T> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? unknown[]
          : T extends 'object'
            ? Record<string, unknown>
            : unknown

type JsonObject<S> = S extends { readonly properties: infer P }
  ? Simplify<
      {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: InferJson<P[K]>
      } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: InferJson<P[K]>
      }
    >
  : Record<string, unknown>

type RequiredKeys<S> = S extends { readonly required: readonly (infer R)[] } ? R : never

/**
 * The TypeScript type a plain `as const` JSON Schema describes: types,
 * objects with `required`, arrays, `enum`, `const`, `anyOf`/`oneOf`.
 *
 * @example
 * ```ts
 * type N = InferJson<{ type: 'object', properties: { a: { type: 'number' } }, required: ['a'] }> // { a: number }
 * ```
 */
export type InferJson<S> = S extends { readonly const: infer C }
  ? C
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly anyOf: readonly (infer A)[] }
      ? InferJson<A>
      : S extends { readonly oneOf: readonly (infer A)[] }
        ? InferJson<A>
        : S extends { readonly type: 'object' }
          ? JsonObject<S>
          : S extends { readonly type: 'array'; readonly items: infer I }
            ? InferJson<I>[]
            : S extends { readonly type: readonly (infer T)[] }
              ? JsonPrimitive<T>
              : S extends { readonly type: infer T }
                ? JsonPrimitive<T>
                : unknown

/** The type a client sends for schema `S` (before any transform). */
export type InferIn<S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferInput<S>
  : S extends TSchema
    ? Static<S>
    : InferJson<S>

/** The type a schema `S` produces after validation (after transforms and defaults). */
export type InferOut<S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<S>
  : S extends TSchema
    ? Static<S>
    : InferJson<S>
