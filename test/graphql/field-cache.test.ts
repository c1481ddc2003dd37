import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, createApp, resolver, type ActionSource } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { buildGraphqlSchema } from '../../src/graphql/index.ts'
import { bearer, hs256, SECRET } from '../security/support.ts'
import { gql } from './support.ts'

const calls = { greeting: 0, times: 0, ranks: 0 }
const item = z.object({ id: z.number().int() })

const actions: ActionSource[] = [
  {
    exportName: 'profile',
    action: action(
      {
        http: 'GET',
        access: 'public',
        input: z.object({ id: z.number().int() }),
        output: item,
        fields: (field) => ({
          greeting: field({ output: z.string(), cache: { ttl: 60, scope: 'private' } }, (_a, { parent, auth }) => `hi ${auth?.sub ?? 'nobody'} #${parent.id} (${++calls.greeting})`),
          times: field({ input: z.object({ n: z.number().int() }), output: z.number(), cache: { ttl: 60, scope: 'public' } }, ({ n }, { parent }) => (calls.times++, parent.id * n)),
        }),
      },
      ({ id }) => ({ id }),
    ),
  },
  {
    exportName: 'profiles',
    action: action(
      {
        http: 'GET',
        access: 'public',
        input: z.object({ to: z.number().int().max(10) }),
        output: z.array(item),
        fields: (field) => ({ rank: field({ output: z.number().int(), batch: true, cache: { ttl: 60, scope: 'public' } }, (_a, { parents }) => (calls.ranks++, parents.map((p) => p.id * 10))) }),
      },
      ({ to }) => Array.from({ length: to }, (_, i) => ({ id: i + 1 })),
    ),
  },
]

let t: TestServer
let ann: Record<string, string>
let bob: Record<string, string>
beforeAll(async () => {
  t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET })
  ann = bearer(await hs256({ sub: 'ann' }))
  bob = bearer(await hs256({ sub: 'bob' }))
})
afterAll(() => t.close())

const greeting = async (headers: Record<string, string>, id = 1) => (await gql(t, `{ profile(id: ${id}) { greeting } }`, undefined, headers)).body.data.profile.greeting

describe('cache on resolver fields', () => {
  it('private: a hit for the same caller and parent, never another caller\'s value', async () => {
    const first = await greeting(ann)
    expect(first).toBe(`hi ann #1 (${calls.greeting})`)
    const before = calls.greeting
    expect(await greeting(ann)).toBe(first)
    expect(calls.greeting).toBe(before)
    const forBob = await greeting(bob)
    expect(forBob).toMatch(/^hi bob #1/)
    expect(calls.greeting).toBe(before + 1)
    expect(await greeting(ann)).toBe(first)
    expect(await greeting({})).toMatch(/^hi nobody #1/)
    expect(await greeting(ann, 2)).toMatch(/^hi ann #2/) // another parent, another entry
    expect(calls.greeting).toBe(before + 3)
  })

  it('public: callers share an entry, keyed by the arguments and the parent', async () => {
    const times = async (headers: Record<string, string>, id: number, n: number) => (await gql(t, `{ profile(id: ${id}) { times(n: ${n}) } }`, undefined, headers)).body.data.profile.times
    expect(await times(ann, 3, 2)).toBe(6)
    expect(await times(bob, 3, 2)).toBe(6)
    expect(calls.times).toBe(1)
    expect(await times(ann, 3, 5)).toBe(15)
    expect(await times(ann, 4, 2)).toBe(8)
    expect(calls.times).toBe(3)
  })

  it('batched: the batch is one entry (keyed by its parents)', async () => {
    const query = '{ profiles(to: 3) { id rank } }'
    const expected = { profiles: [{ id: 1, rank: 10 }, { id: 2, rank: 20 }, { id: 3, rank: 30 }] }
    expect((await gql(t, query)).body.data).toEqual(expected)
    expect((await gql(t, query)).body.data).toEqual(expected)
    expect(calls.ranks).toBe(1)
    expect((await gql(t, '{ profiles(to: 2) { rank } }')).body.data).toEqual({ profiles: [{ rank: 10 }, { rank: 20 }] })
    expect(calls.ranks).toBe(2)
  })

  it('a bad cache option on a field is a startup error naming the field', async () => {
    const bad = action({ http: 'GET', output: item, fields: { f: resolver({ output: z.number(), cache: { ttl: 0 } }, () => 1) } }, () => ({ id: 1 }))
    const app = await createApp({ actions: [{ exportName: 'bad', action: bad }] })
    await expect(buildGraphqlSchema(app)).rejects.toThrow(/field "bad\.f".*cache\.ttl must be a positive number/)
    await app.close()
  })
})
