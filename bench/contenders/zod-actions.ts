// The three actions as zod schemas + handlers, shared by the Hono and Express
// contenders. Inputs are strict objects (unknown keys are a 422); outputs are
// parsed through their schema before JSON.stringify, which drops extra fields.
import { z } from 'zod'
import { summarizeOrder } from '../lib/workloads.ts'

export interface Issue {
  path: string
  message: string
}

export type Outcome = { ok: true; body: string } | { ok: false; issues: Issue[] }

const addInput = z.strictObject({ a: z.coerce.number(), b: z.coerce.number() })
const addOutput = z.object({ result: z.number() })

const helloInput = z.strictObject({ name: z.string().max(100) })
const helloOutput = z.object({ message: z.string() })

const itemIn = z.strictObject({
  id: z.number().int().min(0),
  name: z.string().max(200),
  price: z.number().min(0),
  qty: z.number().int().min(0),
  tags: z.array(z.string().max(50)).max(20),
})
const summarizeInput = z.strictObject({ items: z.array(itemIn).max(1000) })
const summarizeOutput = z.object({
  count: z.number().int(),
  total: z.number(),
  items: z.array(z.object({ id: z.number().int(), name: z.string(), total: z.number(), tags: z.number().int() })),
})

function toIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map((p) => `/${String(p)}`).join(''), message: i.message }))
}

function run<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  handler: (value: z.output<I>) => z.input<O>,
): (raw: unknown) => Outcome {
  return (raw) => {
    const parsed = input.safeParse(raw)
    if (!parsed.success) return { ok: false, issues: toIssues(parsed.error) }
    return { ok: true, body: JSON.stringify(output.parse(handler(parsed.data))) }
  }
}

export const add = run(addInput, addOutput, ({ a, b }) => ({ result: a + b }))

export const sayHello = run(helloInput, helloOutput, ({ name }) => ({ message: `Hello ${name}!` }))

export const summarize = run(summarizeInput, summarizeOutput, ({ items }) => summarizeOrder(items))

export function problemBody(status: number, title: string, instance: string, requestId: string, issues?: Issue[]) {
  const type = status === 422 ? 'urn:serval:problem:invalid-input' : `urn:serval:problem:http-${status}`
  const detail = issues ? issues.map((i) => `${i.path.slice(1)}: ${i.message}`).join('; ') : title
  return JSON.stringify({ type, title, status, detail, instance, requestId, ...(issues ? { errors: issues } : {}) })
}
