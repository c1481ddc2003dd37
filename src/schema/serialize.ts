import fastJsonStringify from 'fast-json-stringify'
import type { JsonSchemaObject } from './infer.ts'

const byContent = new Map<string, (value: unknown) => string>()

/**
 * Builds the serialiser for an output schema once, at startup. Fields the
 * schema does not name are not sent. Schemas fast-json-stringify cannot
 * compile (rare keywords) fall back to `JSON.stringify`, which is still
 * safe because the value was validated first. Identical schemas share one serialiser.
 */
export function compileSerializer(schema: JsonSchemaObject): (value: unknown) => string {
  if (Object.keys(schema).filter((k) => k !== '$schema').length === 0) return stringifyAny
  const key = JSON.stringify(schema)
  let serialize = byContent.get(key)
  if (!serialize) byContent.set(key, (serialize = build(schema)))
  return serialize
}

function build(schema: JsonSchemaObject): (value: unknown) => string {
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
