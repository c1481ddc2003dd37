import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, resolver, type ActionSource } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from '../security/support.ts'
import { gql } from './support.ts'

const calls = { factorial: 0, square: 0, squareParents: [] as number[] }
const item = z.object({ value: z.number().int() })
type Item = z.infer<typeof item>
const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1))

const actions: ActionSource[] = [
  {
    exportName: 'numberStats',
    action: action(
      {
        http: 'GET',
        access: 'public',
        input: z.object({ value: z.number().int() }),
        output: item,
        fields: {
          factorial: resolver({ output: z.number().int() }, (_a, { parent }: { parent: Item }) => (calls.factorial++, fact(parent.value))),
          power: resolver({ input: z.object({ exp: z.number().int().max(8).default(2) }), output: z.number().int() }, ({ exp }, { parent }: { parent: Item }) => parent.value ** exp),
          secret: resolver({ access: { scopes: ['admin'] }, output: z.string() }, () => 'hidden'),
          broken: resolver({ output: z.number() }, () => 'nope' as never),
        },
      },
      ({ value }) => ({ value }),
    ),
  },
  {
    exportName: 'numberRange',
    action: action(
      {
        http: 'GET',
        access: 'public',
        input: z.object({ to: z.number().int().max(100) }),
        output: z.array(item),
        fields: {
          square: resolver({ output: z.number().int(), batch: true }, (_a, { parents }: { parents: readonly Item[] }) => {
            calls.square++
            calls.squareParents.push(parents.length)
            return parents.map((p) => p.value * p.value)
          }),
          short: resolver({ batch: true }, () => [1]),
        },
      },
      ({ to }) => Array.from({ length: to }, (_, i) => ({ value: i + 1 })),
    ),
  },
]

describe('resolver() fields', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET })
  })
  afterAll(() => t.close())

  it('resolves a field only when the query selects it', async () => {
    calls.factorial = 0
    expect((await gql(t, '{ numberStats(value: 5) { value } }')).body).toEqual({ data: { numberStats: { value: 5 } } })
    expect(calls.factorial).toBe(0)
    expect((await gql(t, '{ numberStats(value: 5) { value factorial } }')).body).toEqual({ data: { numberStats: { value: 5, factorial: 120 } } })
    expect(calls.factorial).toBe(1)
  })

  it('takes arguments from its input, with defaults and validation', async () => {
    expect((await gql(t, '{ numberStats(value: 3) { a: power b: power(exp: 3) } }')).body).toEqual({ data: { numberStats: { a: 9, b: 27 } } })
    const bad = await gql(t, '{ numberStats(value: 3) { value power(exp: 9) } }')
    expect(bad.body.data).toEqual({ numberStats: { value: 3, power: null } })
    expect(bad.body.errors[0]).toMatchObject({ path: ['numberStats', 'power'], extensions: { code: 'invalid-input', status: 422 } })
  })

  it('applies its own access rule and checks its output, leaving the other fields', async () => {
    const anonymous = await gql(t, '{ numberStats(value: 2) { value secret broken } }')
    expect(anonymous.body.data).toEqual({ numberStats: { value: 2, secret: null, broken: null } })
    const byField = Object.fromEntries(anonymous.body.errors.map((e: any) => [e.path[1], e.extensions]))
    expect(byField.secret).toMatchObject({ code: 'unauthorized', status: 401 })
    expect(byField.broken).toMatchObject({ code: 'invalid-output', status: 500 })
    const admin = await gql(t, '{ numberStats(value: 2) { secret } }', undefined, bearer(await hs256({ sub: 'root', scope: 'admin' })))
    expect(admin.body).toEqual({ data: { numberStats: { secret: 'hidden' } } })
  })

  it('batches: 50 parents cost one call, with every parent in order', async () => {
    calls.square = 0
    calls.squareParents = []
    const { body } = await gql(t, '{ numberRange(to: 50) { value square } }')
    expect(body.data.numberRange).toHaveLength(50)
    expect(body.data.numberRange[49]).toEqual({ value: 50, square: 2500 })
    expect(calls).toMatchObject({ square: 1, squareParents: [50] })
  })

  it('fails every parent of a batch that returns the wrong number of values', async () => {
    const { body } = await gql(t, '{ numberRange(to: 3) { value short } }')
    expect(body.data.numberRange).toEqual([{ value: 1, short: null }, { value: 2, short: null }, { value: 3, short: null }])
    expect(body.errors).toHaveLength(3)
    expect(body.errors[0].extensions).toMatchObject({ code: 'internal', status: 500 })
  })

  it('answers a repeated operation (compiled by graphql-jit from its second run) exactly as the first', async () => {
    const queries = [
      '{ numberStats(value: 2) { value secret broken power(exp: 9) } }',
      '{ numberRange(to: 3) { value square short } }',
      'query($v: Int!) { numberStats(value: $v) { factorial } }',
    ]
    for (const query of queries) {
      const runs = [await gql(t, query, { v: 4 }), await gql(t, query, { v: 4 }), await gql(t, query, { v: 4 })]
      const strip = (r: { status: number; body: any }) => ({ ...r, body: { ...r.body, errors: r.body.errors?.map((e: any) => ({ ...e, extensions: { ...e.extensions, problem: { ...e.extensions.problem, requestId: undefined } } })) } })
      expect(strip(runs[1]!)).toEqual(strip(runs[0]!))
      expect(strip(runs[2]!)).toEqual(strip(runs[0]!))
    }
  })
})

describe('graphql_max_calls', () => {
  const doubled = { calls: 0 }
  const limited: ActionSource[] = [
    {
      exportName: 'numberList',
      action: action(
        {
          http: 'GET',
          input: z.object({ to: z.number().int().max(100) }),
          output: z.array(item),
          fields: (field) => ({
            double: field({ output: z.number().int() }, (_a, { parent }) => (doubled.calls++, parent.value * 2)),
            triple: field({ output: z.number().int(), batch: true }, (_a, { parents }) => parents.map((p) => p.value * 3)),
          }),
        },
        ({ to }) => Array.from({ length: to }, (_, i) => ({ value: i + 1 })),
      ),
    },
  ]
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions: limited }, { graphql_max_calls: 10 })
  })
  afterAll(() => t.close())

  it('stops a list from fanning out a field past the limit: the later items fail with a 400 error, unrun', async () => {
    // The root field is call 1: nine items make ten calls, all allowed.
    expect((await gql(t, '{ numberList(to: 9) { double } }')).body.errors).toBeUndefined()
    doubled.calls = 0
    const { status, body } = await gql(t, '{ numberList(to: 12) { value double } }')
    expect(status).toBe(200)
    expect(doubled.calls).toBe(9)
    expect(body.data.numberList[8]).toEqual({ value: 9, double: 18 })
    expect(body.data.numberList[9]).toEqual({ value: 10, double: null })
    expect(body.errors).toHaveLength(3)
    expect(body.errors[0]).toMatchObject({ path: ['numberList', 9, 'double'], extensions: { code: 'bad-request', status: 400 } })
    expect(body.errors[0].message).toMatch(/more than 10 .*graphql_max_calls.*batch: true/)
  })

  it('counts a batched field once, however many parents, and counts each operation afresh', async () => {
    for (let i = 0; i < 3; i++) expect((await gql(t, '{ numberList(to: 100) { value triple } }')).body.errors).toBeUndefined()
  })
})
