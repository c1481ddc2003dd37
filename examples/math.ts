// TypeBox schemas: compiled by Ajv once at startup, serialised by fast-json-stringify.
import { action } from 'serval'
import { Type } from '@sinclair/typebox'

export const add = action(
  {
    description: 'Add two numbers (GET: the query string is coerced by the schema)',
    http: ['GET', 'POST'],
    input: Type.Object({ a: Type.Number(), b: Type.Number() }, { additionalProperties: false }),
    output: Type.Object({ result: Type.Number() }),
    examples: [{ name: 'one_plus_two', input: { a: 1, b: 2 }, output: { result: 3 } }],
  },
  ({ a, b }) => ({ result: a + b }),
)

export const stats = action(
  {
    description: 'Sum, mean and extremes of a list (repeated query keys are arrays: ?values=1&values=2)',
    http: 'GET',
    input: Type.Object({ values: Type.Array(Type.Number(), { minItems: 1, maxItems: 1000 }) }),
    output: Type.Object({ count: Type.Integer(), sum: Type.Number(), mean: Type.Number(), min: Type.Number(), max: Type.Number() }),
    examples: [{ name: 'three_values', input: { values: [1, 2, 6] }, output: { count: 3, sum: 9, mean: 3, min: 1, max: 6 } }],
  },
  ({ values }) => {
    const sum = values.reduce((s, v) => s + v, 0)
    return { count: values.length, sum, mean: sum / values.length, min: Math.min(...values), max: Math.max(...values) }
  },
)
