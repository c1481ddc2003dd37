import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { JsonSchemaObject } from './infer.ts'

interface StandardJsonSchemaProps {
  jsonSchema?: {
    input(options: { target: string }): Record<string, unknown>
    output(options: { target: string }): Record<string, unknown>
  }
}

/** True for any value implementing Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    '~standard' in value &&
    typeof (value as StandardSchemaV1)['~standard']?.validate === 'function'
  )
}

/**
 * The JSON Schema of a Standard Schema, for OpenAPI, query coercion and
 * serialisation. Uses the Standard JSON Schema interface where the library
 * has it (zod 4, arktype), `@valibot/to-json-schema` for valibot; else `{}`.
 */
export async function standardToJsonSchema(
  schema: StandardSchemaV1,
  direction: 'input' | 'output',
): Promise<JsonSchemaObject> {
  const props = schema['~standard'] as StandardSchemaV1.Props & StandardJsonSchemaProps
  try {
    if (props.jsonSchema) return props.jsonSchema[direction]({ target: 'draft-2020-12' }) as JsonSchemaObject
    if (props.vendor === 'valibot') return await valibotJsonSchema(schema)
  } catch {
    // Some schemas (transforms, custom refinements) have no JSON form; they still validate.
  }
  return {}
}

async function valibotJsonSchema(schema: StandardSchemaV1): Promise<JsonSchemaObject> {
  const mod = (await import('@valibot/to-json-schema')) as unknown as {
    toJsonSchema(s: unknown, o?: Record<string, unknown>): JsonSchemaObject
  }
  return mod.toJsonSchema(schema, { errorMode: 'ignore' })
}
