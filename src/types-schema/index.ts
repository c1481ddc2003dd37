export { deriveTypeSchemas, derivationStats, type DeriveOptions } from './apply.ts'
export { InexpressibleType, toJsonSchema } from './convert.ts'
export type { DerivedSchemas } from './derive.ts'
