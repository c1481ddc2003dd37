import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'

/** What the handler was handed, as the client cannot see it: its prototype and own keys. */
const seen: { proto: unknown; keys: string[] }[] = []

const actions = [
  {
    exportName: 'measure',
    action: action(
      { http: 'GET', input: z.object({ r: z.number().optional(), n: z.number().int().optional() }), output: z.object({ r: z.number().nullable(), n: z.number().nullable() }) },
      ({ r, n }) => ({ r: r ?? null, n: n ?? null }),
    ),
  },
  {
    // Plain JSON Schema goes through Ajv, whose `type: 'number'` accepts Infinity.
    exportName: 'measureJson',
    action: action(
      { http: 'GET', input: { type: 'object', properties: { r: { type: 'number' }, n: { type: 'integer' } } } as const },
      (input: { r?: number; n?: number }) => ({ r: input.r ?? null, n: input.n ?? null, finite: Number.isFinite(input.r ?? 0) && Number.isFinite(input.n ?? 0) }),
    ),
  },
  {
    exportName: 'anything',
    action: action({ http: 'GET', input: { type: 'object' } as const }, (input: unknown) => {
      seen.push({ proto: Object.getPrototypeOf(input), keys: Object.keys(input as object) })
      return { ok: true }
    }),
  },
]

describe('query input', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions })
  })
  afterAll(() => t.close())

  it.each(['1e400', '-1e400', 'Infinity', 'NaN'])('answers ?r=%s with 422, never Infinity or null', async (value) => {
    for (const path of ['/actions/measure', '/actions/measure-json']) {
      for (const field of ['r', 'n']) {
        const res = await t.fetch(`${path}?${field}=${value}`)
        expect(res.status).toBe(422)
        expect((await res.json()).errors[0].path).toBe(`/${field}`)
      }
    }
  })

  // Strict decimal, as in JSON: no hex, padding, separators, sign or bare dots.
  it.each(['0x10', '%201', '1%20', '1_000', '%2B1', '.5', '1.', '0b1', '1e', '--1'])('answers the non-decimal ?r=%s with 422', async (value) => {
    for (const path of ['/actions/measure', '/actions/measure-json']) expect((await t.fetch(`${path}?r=${value}`)).status).toBe(422)
  })

  it.each([
    ['0', 0],
    ['-2.5', -2.5],
    ['1e3', 1000],
    ['1.5E-2', 0.015],
    ['1e308', 1e308],
  ])('coerces the decimal ?r=%s', async (value, expected) => {
    for (const path of ['/actions/measure', '/actions/measure-json']) {
      const res = await t.fetch(`${path}?r=${value}`)
      expect(res.status).toBe(200)
      expect((await res.json()).r).toBe(expected)
    }
  })

  it('handles a numeric value as long as the URL limit allows, correctly', async () => {
    const digits = '1'.repeat(8000)
    expect((await t.fetch(`/actions/measure-json?r=${digits}`)).status).toBe(422) // 1.1e7999 is not finite
    expect((await t.fetch(`/actions/measure-json?r=${digits}x`)).status).toBe(422)
    const ok = await t.fetch(`/actions/measure-json?r=0.${digits}`)
    expect((await ok.json()).r).toBeCloseTo(0.1111111, 6)
  })

  it('never lets ?__proto__ set the prototype of the input', async () => {
    seen.length = 0
    for (const query of ['__proto__=a&__proto__=b', '__proto__[x]=1', 'a[__proto__][b]=1&__proto__=c&__proto__=d', 'constructor[prototype][x]=1']) {
      const res = await t.fetch(`/actions/anything?${query}&plain=1`)
      expect(res.status).toBe(200)
    }
    expect(seen).toHaveLength(4)
    for (const input of seen) {
      expect(input.proto).toBe(Object.prototype)
      expect(input.keys).not.toContain('__proto__')
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    expect(({} as Record<string, unknown>).b).toBeUndefined()
  })
})
