// A mount: examples/serval.config.yaml serves this dir as its own app under
// /billing (POST /billing/actions/invoice-total, /billing/openapi.json, /billing/docs).
import { action } from 'serval'
import { z } from 'zod'

export const invoiceTotal = action(
  {
    description: 'Add up the lines of an invoice, in cents',
    input: z.object({ lines: z.array(z.object({ cents: z.number().int().min(0), quantity: z.number().int().min(1) })).max(1000) }),
    output: z.object({ cents: z.number().int() }),
    examples: [{ name: 'two_lines', input: { lines: [{ cents: 250, quantity: 2 }, { cents: 100, quantity: 1 }] }, output: { cents: 600 } }],
  },
  async ({ lines }) => ({ cents: lines.reduce((sum, line) => sum + line.cents * line.quantity, 0) }),
)
