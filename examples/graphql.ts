import { z } from 'zod'
import { action, resolver } from 'serval'

const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1))

const stats = z.object({ value: z.number().int() })
// A resolver's parent is typed from its annotation (TypeScript cannot yet carry the output schema into `fields`).
type Stats = z.infer<typeof stats>

/**
 * GraphQL fields resolved only when a query selects them:
 * `{ numberStats(value: 5) { value factorial power(exp: 3) } }`.
 */
export const numberStats = action(
  {
    http: 'GET',
    description: 'A number, with fields GraphQL computes only when asked for',
    input: z.object({ value: z.number().int().min(0).max(12) }),
    output: stats,
    fields: {
      factorial: resolver({ output: z.number().int(), description: 'value! (computed only when selected)' }, (_args, { parent }: { parent: Stats }) => fact(parent.value)),
      power: resolver({ input: z.object({ exp: z.number().int().min(0).max(8).default(2) }), output: z.number().int() }, ({ exp }, { parent }: { parent: Stats }) => parent.value ** exp),
    },
  },
  ({ value }) => ({ value }),
)

/**
 * A batched field on a list: `{ numberRange(to: 50) { value square } }` makes
 * one call of `square` for the 50 items (`ctx.parents`), not 50.
 */
export const numberRange = action(
  {
    http: 'GET',
    description: 'The numbers from 1 to `to`; their `square` is one batched call',
    input: z.object({ to: z.number().int().min(1).max(100) }),
    output: z.array(stats),
    fields: {
      square: resolver({ output: z.number().int(), batch: true }, (_args, { parents }: { parents: readonly Stats[] }) => parents.map((p) => p.value * p.value)),
    },
  },
  ({ to }) => Array.from({ length: to }, (_, i) => ({ value: i + 1 })),
)
