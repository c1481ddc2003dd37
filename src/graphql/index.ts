export { buildGraphqlSchema, type GraphqlContext } from './schema.ts'
export { registerGraphql } from './register.ts'
export { JsonScalar, TypeMapper } from './types.ts'
