import { Ajv, type SchemaValidateFunction, type ValidateFunction } from 'ajv'
import addFormatsImport from 'ajv-formats'
import unevaluatedImport from 'ajv/dist/vocabularies/unevaluated/index.js'
import { FILE_KEYWORD } from './binary.ts'
import type { JsonSchemaObject } from './infer.ts'

// ajv-formats ships CJS with a default export; under NodeNext it arrives wrapped.
type AddFormats = (ajv: Ajv) => Ajv
const addFormats: AddFormats =
  (addFormatsImport as unknown as { default?: AddFormats }).default ?? (addFormatsImport as unknown as AddFormats)
// The same for the unevaluated vocabulary, which only Ajv's 2019/2020 classes load themselves.
const unevaluatedVocabulary = ((unevaluatedImport as unknown as { default?: unknown }).default ?? unevaluatedImport) as Parameters<Ajv['addVocabulary']>[0]

function makeAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true, // the 422 lists every failing path
    strict: false, // schemas from other libraries carry keywords Ajv does not know
    coerceTypes: false, // a JSON body is never coerced
    useDefaults: true,
    removeAdditional: false,
    // unevaluatedProperties/Items (TypeBox's Intersect takes them): the draft-07 class ignores them unless
    // the option is on and the vocabulary added, so a schema's `unevaluatedProperties: false` let extra keys in.
    unevaluated: true,
    validateFormats: true,
    addUsedSchema: false,
    // Ajv's optimisation passes double compile time for no measurable gain on
    // validation speed here (bench: 1.5 vs 2.9 ms a schema, 80 ns a check either way).
    code: { optimize: false },
  })
  addFormats(ajv)
  ajv.addVocabulary(unevaluatedVocabulary)
  ajv.addKeyword({ keyword: 'x-serval' })
  ajv.addKeyword({ keyword: FILE_KEYWORD, schemaType: 'boolean', validate: isFile, errors: true })
  return ajv
}

/** An uploaded file (a web `File`, or any `Blob`); a string never is one. */
const isFile: SchemaValidateFunction = (_schema: boolean, data: unknown) => {
  if (data instanceof Blob) return true
  isFile.errors = [{ keyword: FILE_KEYWORD, message: 'must be a file (send it as a multipart/form-data part)', params: {} }]
  return false
}

let shared: Ajv | undefined
const byContent = new Map<string, ValidateFunction>()

/**
 * Compiles a JSON Schema once, at startup, with the strict settings every
 * action input uses. The request path only ever calls the returned function.
 * Schemas with the same content share one validator: apps repeat their
 * types across actions, and compiling is most of the startup time.
 */
export function compileJsonSchema(schema: JsonSchemaObject): ValidateFunction {
  shared ??= makeAjv()
  const key = JSON.stringify(schema)
  let validate = byContent.get(key)
  if (!validate) byContent.set(key, (validate = shared.compile(stripSchemaUri(schema))))
  return validate
}

/** Ajv refuses draft URIs it has no meta-schema for; the draft is implied. */
function stripSchemaUri(schema: JsonSchemaObject): JsonSchemaObject {
  if (!('$schema' in schema)) return schema
  const { $schema: _ignored, ...rest } = schema
  return rest
}

/**
 * A copy of a schema in which objects accept extra properties. Outputs are
 * checked with it: an extra field in a handler's result is dropped by the
 * serialiser, not treated as a bug.
 */
export function allowExtraProperties(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowExtraProperties)
  if (schema === null || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue
    if (key === 'unevaluatedProperties' && value === false) continue
    out[key] = allowExtraProperties(value)
  }
  return out
}
