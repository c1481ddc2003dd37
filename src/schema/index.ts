export type { SchemaLike, JsonSchemaObject, InferIn, InferOut, InferJson } from './infer.ts'
export {
  compileInput,
  compileOutput,
  invalidInput,
  invalidInputProblem,
  invalidOutput,
  type CompiledSchema,
  type CompiledOutput,
  type Validated,
  type Validate,
} from './compile.ts'
export { isStandardSchema, standardToJsonSchema } from './standard.ts'
export { compileQueryCoercer, type QueryCoercer } from './coerce.ts'
export { binaryFields, isBinarySchema } from './binary.ts'
