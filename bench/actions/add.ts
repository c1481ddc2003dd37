import { action } from 'serval'
import { Type } from '@sinclair/typebox'

/** Workload 1: a GET action whose query string is coerced by the schema. */
export const add = action(
  {
    http: 'GET',
    input: Type.Object({ a: Type.Number(), b: Type.Number() }, { additionalProperties: false }),
    output: Type.Object({ result: Type.Number() }),
  },
  ({ a, b }) => ({ result: a + b }),
)
