// The five workloads every contender serves, with the requests autocannon
// sends and the answers the verifier expects. One definition feeds both so
// the benchmark can never measure a request it did not check.

export interface Workload {
  id: string
  label: string
  method: 'GET' | 'POST'
  path: string
  body?: string
  /** Extra request headers (e.g. If-None-Match). */
  headers?: Record<string, string>
  expectStatus: number
  /** Throws when a parsed body is not the right answer. */
  checkBody: (body: unknown, requestId: string) => void
}

/** One item of the summarize workload's order. */
export interface SummarizeItem {
  id: number
  name: string
  price: number
  qty: number
  tags: string[]
}

/**
 * The summarize workload's handler, the same work in every contender: a
 * line total per item, the order's total, and a field (`internalNote`) the
 * output schema lacks, so each contender's serialiser must drop it.
 */
export function summarizeOrder(items: readonly SummarizeItem[]) {
  let total = 0
  const out = items.map((it) => {
    const line = it.price * it.qty
    total += line
    return { id: it.id, name: it.name, total: line, tags: it.tags.length, internalNote: 'not in the schema' }
  })
  return { count: items.length, total, items: out }
}

const TAGS = ['red', 'green', 'blue', 'large', 'small', 'sale', 'new', 'eco']

/** A deterministic ~10 KB order of 100 items. */
export function summarizeInput(count = 100): { items: SummarizeItem[] } {
  const items: SummarizeItem[] = []
  for (let i = 0; i < count; i++) {
    const tags = [TAGS[i % 8]!, TAGS[(i + 3) % 8]!, TAGS[(i + 5) % 8]!]
    const price = ((i * 37) % 1000) / 10 + 0.99
    items.push({ id: 1000 + i, name: `Product ${i} in ${tags[0]}, standard`, price, qty: 1 + (i % 5), tags })
  }
  return { items }
}

/** What every summarize implementation must answer for `summarizeInput()`; written apart from `summarizeOrder` so the check is no copy of what it checks. */
export function summarizeExpected(input = summarizeInput()): unknown {
  let total = 0
  const items = input.items.map((it) => {
    const line = it.price * it.qty
    total += line
    return { id: it.id, name: it.name, total: line, tags: it.tags.length }
  })
  return { count: input.items.length, total, items }
}

function assertEqualJson(actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`body mismatch:\n  got      ${a.slice(0, 300)}\n  expected ${e.slice(0, 300)}`)
}

function checkProblem(body: unknown, requestId: string): void {
  const p = body as Record<string, unknown>
  const errors = p.errors as Array<Record<string, unknown>> | undefined
  if (p.type !== 'urn:serval:problem:invalid-input') throw new Error(`problem type is ${String(p.type)}`)
  if (p.status !== 422) throw new Error(`problem status is ${String(p.status)}`)
  if (p.title !== 'Invalid input') throw new Error(`problem title is ${String(p.title)}`)
  if (p.instance !== '/actions/say-hello') throw new Error(`problem instance is ${String(p.instance)}`)
  if (typeof p.detail !== 'string') throw new Error('problem has no detail')
  if (p.requestId !== requestId) throw new Error(`problem requestId ${String(p.requestId)} != header ${requestId}`)
  if (!Array.isArray(errors) || !errors.some((e) => e.path === '/name' && typeof e.message === 'string')) {
    throw new Error(`problem errors[] lacks /name: ${JSON.stringify(errors)}`)
  }
}

export const WORKLOADS: readonly Workload[] = [
  {
    id: 'get-add',
    label: 'GET /actions/add?a=1&b=2',
    method: 'GET',
    path: '/actions/add?a=1&b=2',
    expectStatus: 200,
    checkBody: (b) => assertEqualJson(b, { result: 3 }),
  },
  {
    id: 'post-hello',
    label: 'POST /actions/say-hello',
    method: 'POST',
    path: '/actions/say-hello',
    body: JSON.stringify({ name: 'World' }),
    expectStatus: 200,
    checkBody: (b) => assertEqualJson(b, { message: 'Hello World!' }),
  },
  {
    id: 'post-hello-zod',
    label: 'POST /actions/say-hello-zod (the examples\' zod schema)',
    method: 'POST',
    path: '/actions/say-hello-zod',
    body: JSON.stringify({ name: 'World' }),
    expectStatus: 200,
    checkBody: (b) => assertEqualJson(b, { message: 'Hello World!' }),
  },
  {
    id: 'post-summarize',
    label: 'POST /actions/summarize (10 KB in, 100 items out)',
    method: 'POST',
    path: '/actions/summarize',
    body: JSON.stringify(summarizeInput()),
    expectStatus: 200,
    checkBody: (b) => assertEqualJson(b, summarizeExpected()),
  },
  {
    id: 'post-invalid',
    label: 'POST /actions/say-hello {"name":123} → 422',
    method: 'POST',
    path: '/actions/say-hello',
    body: JSON.stringify({ name: 123 }),
    expectStatus: 422,
    checkBody: checkProblem,
  },
]

export function workloadById(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id)
  if (!w) throw new Error(`unknown workload ${id}`)
  return w
}

export const JSON_HEADERS = { 'content-type': 'application/json' }
