import type { StandardSchemaV1 } from '@standard-schema/spec'
import { errorCodes, problemType, ServalError, type Problem, type ProblemIssue } from '../errors/index.ts'
import { allowExtraProperties, compileJsonSchema } from './ajv.ts'
import { hasBinary, withFileChecks } from './binary.ts'
import type { JsonSchemaObject, SchemaLike } from './infer.ts'
import { issuesFromAjv, issuesFromStandard, summariseIssues } from './issues.ts'
import { isStandardSchema, standardToJsonSchema } from './standard.ts'
import { compileSerializer } from './serialize.ts'

/** The outcome of a validation: the (possibly transformed) value, or every issue. */
export type Validated<T = unknown> = { ok: true; value: T } | { ok: false; issues: ProblemIssue[] }

/** A validator that may be sync (Ajv) or async (a Standard Schema that says so). */
export type Validate = (value: unknown) => Validated | Promise<Validated>

/** A schema compiled once at startup: its JSON form and its validator. */
export interface CompiledSchema {
  readonly jsonSchema: JsonSchemaObject
  readonly validate: Validate
  /** True when validation can return a promise (a Standard Schema library). */
  readonly async: boolean
}

/** A compiled output schema: validation that tolerates extra fields, then a serialiser that drops them. */
export interface CompiledOutput extends CompiledSchema {
  readonly serialize: (value: unknown) => string
}

/**
 * Compiles an input schema: strict, no coercion, every failing path.
 *
 * @example
 * ```ts
 * const c = await compileInput(z.object({ a: z.number() }))
 * await c.validate({ a: 'x' }) // { ok: false, issues: [{ path: '/a', … }] }
 * ```
 */
export async function compileInput(schema: SchemaLike | undefined): Promise<CompiledSchema> {
  if (schema === undefined) return compileJson({ type: 'object' })
  if (isStandardSchema(schema)) return compileStandard(schema, 'input')
  return compileJson(schema as JsonSchemaObject)
}

/**
 * Compiles an output schema: extra object fields are accepted by the check
 * and dropped by the serialiser; anything else that breaks it is a 500.
 */
export async function compileOutput(schema: SchemaLike): Promise<CompiledOutput> {
  if (isStandardSchema(schema)) {
    const compiled = await compileStandard(schema, 'output')
    return { ...compiled, serialize: compileSerializer(compiled.jsonSchema) }
  }
  const json = schema as JsonSchemaObject
  const check = compileJsonSchema(allowExtraProperties(json) as JsonSchemaObject)
  const validate: Validate = (value) =>
    check(value) ? { ok: true, value } : { ok: false, issues: issuesFromAjv(check.errors) }
  return { jsonSchema: json, validate, async: false, serialize: compileSerializer(json) }
}

function compileJson(schema: JsonSchemaObject): CompiledSchema {
  const check = compileJsonSchema(hasBinary(schema) ? (withFileChecks(schema) as JsonSchemaObject) : schema)
  const validate: Validate = (value) =>
    check(value) ? { ok: true, value } : { ok: false, issues: issuesFromAjv(check.errors) }
  return { jsonSchema: schema, validate, async: false }
}

async function compileStandard(schema: StandardSchemaV1, direction: 'input' | 'output'): Promise<CompiledSchema> {
  const jsonSchema = await standardToJsonSchema(schema, direction)
  const std = schema['~standard']
  const settle = (result: StandardSchemaV1.Result<unknown>): Validated =>
    result.issues ? { ok: false, issues: issuesFromStandard(result.issues) } : { ok: true, value: result.value }
  const validate: Validate = (value) => {
    const result = std.validate(value)
    return result instanceof Promise ? result.then(settle) : settle(result)
  }
  return { jsonSchema, validate, async: true }
}

/**
 * Validates input and throws the 422 problem, listing every failing path.
 * Kept out of the compile step so the sync fast path stays sync.
 */
export function invalidInput(issues: ProblemIssue[]): ServalError {
  return new ServalError('invalid-input', { detail: summariseIssues(issues), errors: issues })
}

const INVALID_INPUT = errorCodes['invalid-input']
const INVALID_INPUT_TYPE = problemType('invalid-input')

/**
 * The problem document of `invalidInput(issues)`, built without the error:
 * the same members, in the same order, as `toProblem` gives for it in every
 * mode (an input problem hides nothing). For a transport that received the
 * pipeline's refusal as a value (`InputRefusal`), so a 422 needs no Error.
 *
 * @example
 * ```ts
 * invalidInputProblem(issues, { instance: '/actions/add', requestId: 'r1' }) // deep-equals toProblem(invalidInput(issues), { devMode, instance, requestId })
 * ```
 */
export function invalidInputProblem(issues: ProblemIssue[], where: { instance: string; requestId: string }): Problem {
  return {
    type: INVALID_INPUT_TYPE,
    title: INVALID_INPUT.title,
    status: INVALID_INPUT.status,
    detail: summariseIssues(issues),
    instance: where.instance,
    requestId: where.requestId,
    errors: issues,
  }
}

/** The 500 raised when a handler's output breaks its schema; the issues are logged, not sent. */
export function invalidOutput(issues: ProblemIssue[]): ServalError {
  return new ServalError('invalid-output', {
    detail: 'The action produced an output that does not match its schema',
    extensions: { outputIssues: issues },
  })
}
