export { generateClient } from './generate.ts'
export { schemaToTs } from './schema-to-ts.ts'
