import { action } from 'serval'
import { Type } from '@sinclair/typebox'
import { summarizeOrder } from '../lib/workloads.ts'

const Item = Type.Object(
  {
    id: Type.Integer({ minimum: 0 }),
    name: Type.String({ maxLength: 200 }),
    price: Type.Number({ minimum: 0 }),
    qty: Type.Integer({ minimum: 0 }),
    tags: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 }),
  },
  { additionalProperties: false },
)

const Line = Type.Object({ id: Type.Integer(), name: Type.String(), total: Type.Number(), tags: Type.Integer() })

/**
 * Workload 3: a validated ~10 KB body in, 100 items out. The handler adds a
 * field the output schema lacks, so serialising through the schema matters.
 */
export const summarize = action(
  {
    input: Type.Object({ items: Type.Array(Item, { maxItems: 1000 }) }, { additionalProperties: false }),
    output: Type.Object({ count: Type.Integer(), total: Type.Number(), items: Type.Array(Line) }),
  },
  ({ items }) => summarizeOrder(items),
)
