import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action } from 'serval'
import { compileQueryCoercer } from '../../src/schema/index.ts'
import { httpApp, type HttpApp } from '../support/http-app.ts'

/** Property tests of query coercion: what a GET's query string becomes before the schema sees it. */

const schema = {
  type: 'object',
  properties: {
    s: { type: 'string' },
    n: { type: 'number' },
    i: { type: 'integer' },
    b: { type: 'boolean' },
    list: { type: 'array', items: { type: 'number' } },
    obj: { type: 'object', properties: { x: { type: 'number' }, t: { type: 'string' } } },
  },
} as const
const coerce = compileQueryCoercer(schema)

// Plain keys: no brackets, dots or prototype names (those have their own rules and tests).
const plainKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).filter((k) => !['constructor', 'prototype'].includes(k))
const finite = fc.double({ noNaN: true, noDefaultInfinity: true })
// How clients write a finite number as a JSON number: plain, exponent, negative. Looser forms
// (`.5`, `5.`, `01`, `+1`, hex) are not numbers in a query: they stay text and the validator refuses them.
const decimalText = fc.oneof(
  finite.map((n) => String(n)),
  finite.map((n) => n.toExponential()),
  fc.integer().map((n) => String(n)),
)
const looseNumber = fc.oneof(
  fc.nat().map((n) => `.${n}`),
  fc.nat().map((n) => `${n}.`),
  fc.nat().map((n) => `+${n}`),
  fc.integer({ min: 1 }).map((n) => `0${n}`),
  fc.nat().map((n) => `0x${n.toString(16)}`),
)

describe('query coercion (properties)', () => {
  it('a string field keeps any text exactly as sent', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(coerce({ s: text })).toEqual({ s: text })
      }),
    )
  })

  it('a number field turns any finite decimal text into that number', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const out = coerce({ n: text }).n
        expect(out).toBe(Number(text))
        expect(Number.isFinite(out)).toBe(true)
      }),
    )
  })

  it('a number field leaves text that is not a decimal number as text, for the validator to refuse', () => {
    const notDecimal = fc.oneof(looseNumber, fc.string()).filter((t) => !/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(t))
    fc.assert(
      fc.property(notDecimal, (text) => {
        expect(coerce({ n: text, i: text })).toEqual({ n: text, i: text })
      }),
    )
  })

  it('a boolean field takes only "true" and "false"', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const expected = text === 'true' ? true : text === 'false' ? false : text
        expect(coerce({ b: text }).b).toBe(expected)
      }),
    )
  })

  it('drops no key: unknown plain keys arrive unchanged beside the known ones', () => {
    fc.assert(
      fc.property(fc.dictionary(plainKey, fc.string(), { maxKeys: 8 }), (query) => {
        const out = coerce({ ...query, s: 'kept' })
        expect(Object.keys(out).sort()).toEqual([...new Set([...Object.keys(query), 's'])].sort())
        for (const [k, v] of Object.entries(query)) if (!(k in schema.properties)) expect(out[k]).toBe(v)
      }),
    )
  })

  it('an array field keeps every repeated value, in order, coerced', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 10 }), (numbers) => {
        const texts = numbers.map(String)
        const expected = texts.map(Number)
        expect(coerce({ list: texts.length === 1 ? texts[0] : texts }).list).toEqual(expected)
        expect(coerce({ 'list[]': texts.length === 1 ? texts[0] : texts }).list).toEqual(expected)
        expect(coerce(Object.fromEntries(texts.map((t, i) => [`list[${i}]`, t]))).list).toEqual(expected)
      }),
    )
  })

  it('bracket and dot nesting give the same object, coerced by the nested schema', () => {
    fc.assert(
      fc.property(finite, fc.string(), (x, t) => {
        const expected = { obj: { x: Number(String(x)), t } }
        expect(coerce({ 'obj[x]': String(x), 'obj[t]': t })).toEqual(expected)
        expect(coerce({ 'obj.x': String(x), 'obj.t': t })).toEqual(expected)
        expect(coerce({ 'obj[x]': String(x), 'obj.t': t })).toEqual(expected)
      }),
    )
  })

  it('nested unknown keys are kept under their parent, not dropped', () => {
    fc.assert(
      fc.property(plainKey, plainKey, fc.string(), (parent, child, value) => {
        fc.pre(!(parent in schema.properties))
        expect(coerce({ [`${parent}[${child}]`]: value, s: 'x' })).toEqual({ [parent]: { [child]: value }, s: 'x' })
      }),
    )
  })
})

describe('query input over HTTP (properties)', () => {
  let h: HttpApp
  const echo = action(
    {
      http: 'GET',
      input: { type: 'object', properties: { n: { type: 'number' }, i: { type: 'integer' }, s: { type: 'string' } }, additionalProperties: false },
    },
    (input) => input,
  )
  beforeAll(async () => {
    h = await httpApp({ echo })
  })
  afterAll(() => h.close())
  const get = (query: Record<string, string>) => h.server.inject({ method: 'GET', url: `/actions/echo?${new URLSearchParams(query)}` })

  it('a finite decimal number round-trips to the handler and back', async () => {
    await fc.assert(
      fc.asyncProperty(finite, async (n) => {
        const res = await get({ n: String(n) })
        expect(res.statusCode).toBe(200)
        expect(res.json()).toEqual({ n: Number(String(n)) })
      }),
      { numRuns: 50 },
    )
  })

  it('a strict schema refuses any key it does not name with 422', async () => {
    await fc.assert(
      fc.asyncProperty(plainKey.filter((k) => !['n', 'i', 's'].includes(k)), fc.string(), async (key, value) => {
        const res = await get({ [key]: value })
        expect(res.statusCode).toBe(422)
        expect(res.json().errors).toEqual([expect.objectContaining({ path: `/${key}` })])
      }),
      { numRuns: 30 },
    )
  })

  // Defect (issue 17, fixed by another branch): `?n=1e400` was coerced to
  // Infinity, passed the number schema and came back as null; on an integer
  // schema it was a 500. The lead flips this to `it` after merging that fix.
  it('a non-finite number (1e400, -1e999, 400 nines) is a 422 on number and integer fields', async () => {
    const huge = fc.constantFrom('1e400', '-1e400', '1e999', '9'.repeat(400), `-${'9'.repeat(400)}`)
    await fc.assert(
      fc.asyncProperty(huge, fc.constantFrom('n', 'i'), async (text, field) => {
        const res = await get({ [field]: text })
        expect(res.statusCode).toBe(422)
        expect(res.json().errors[0].path).toBe(`/${field}`)
      }),
    )
  })
})
