import { z } from 'zod'
import { action } from 'serval'

const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1))

const stats = z.object({ value: z.number().int() })

/**
 * GraphQL fields resolved only when a query selects them:
 * `{ numberStats(value: 5) { value factorial power(exp: 3) } }`.
 * `fields: (field) => …` types each handler's `parent` from `output`.
 */
export const numberStats = action(
  {
    http: 'GET',
    description: 'A number, with fields GraphQL computes only when asked for',
    input: z.object({ value: z.number().int().min(0).max(12) }),
    output: stats,
    fields: (field) => ({
      factorial: field({ output: z.number().int(), description: 'value! (computed only when selected)', cache: { ttl: 60, scope: 'public' } }, (_args, { parent }) => fact(parent.value)),
      power: field({ input: z.object({ exp: z.number().int().min(0).max(8).default(2) }), output: z.number().int() }, ({ exp }, { parent }) => parent.value ** exp),
    }),
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
    fields: (field) => ({
      square: field({ output: z.number().int(), batch: true }, (_args, { parents }) => parents.map((p) => p.value * p.value)),
    }),
  },
  ({ to }) => Array.from({ length: to }, (_, i) => ({ value: i + 1 })),
)

/**
 * A streaming action is a GraphQL subscription (graphql-transport-ws on
 * `ws://localhost:8000/graphql`): `subscription { numberTicks(to: 3) { value factorial } }`
 * sends one event per item, each with its fields, then `complete`.
 */
export const numberTicks = action(
  {
    description: 'The numbers from 1 to `to`, one every 100 ms',
    input: z.object({ to: z.number().int().min(1).max(12) }),
    output: stats,
    fields: (field) => ({ factorial: field({ output: z.number().int() }, (_args, { parent }) => fact(parent.value)) }),
  },
  async function* ({ to }, ctx) {
    for (let value = 1; value <= to && !ctx.signal.aborted; value++) {
      yield { value }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  },
)
