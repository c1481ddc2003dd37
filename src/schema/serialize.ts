import fastJsonStringify from 'fast-json-stringify'
import type { JsonSchemaObject } from './infer.ts'

/**
 * Builds the serialiser for an output schema once, at startup. Fields the
 * schema does not name are not sent. Schemas fast-json-stringify cannot
 * compile (rare keywords) fall back to `JSON.stringify`, which is still
 * safe because the value was validated first.
 */
export function compileSerializer(schema: JsonSchemaObject): (value: unknown) => string {
  if (Object.keys(schema).filter((k) => k !== '$schema').length === 0) return stringifyAny
  try {
    const { $schema: _ignored, ...rest } = schema as Record<string, unknown>
    return fastJsonStringify(rest as unknown as Parameters<typeof fastJsonStringify>[0]) as (value: unknown) => string
  } catch {
    return stringifyAny
  }
}

function stringifyAny(value: unknown): string {
  return JSON.stringify(value) ?? 'null'
}
