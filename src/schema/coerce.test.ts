import { describe, expect, it } from 'vitest'
import { compileQueryCoercer } from './coerce.ts'

const schema = {
  type: 'object',
  properties: {
    n: { type: 'integer' },
    f: { type: ['number', 'null'] },
    b: { type: 'boolean' },
    s: { type: 'string' },
    list: { type: 'array', items: { type: 'number' } },
    obj: { type: 'object', properties: { deep: { type: 'boolean' } } },
    'a.b': { type: 'number' },
  },
}

describe('query coercion', () => {
  const coerce = compileQueryCoercer(schema)

  it('coerces only where the schema asks', () => {
    expect(coerce({ n: '7', f: '1.5e2', b: 'false', s: '42' })).toEqual({ n: 7, f: 150, b: false, s: '42' })
    expect(coerce({ f: '' })).toEqual({ f: null })
  })

  it('leaves text it cannot coerce for the validator to reject', () => {
    expect(coerce({ n: '7x', b: 'yes' })).toEqual({ n: '7x', b: 'yes' })
  })

  it('expands bracket, dot, empty-bracket and indexed keys', () => {
    expect(coerce({ 'obj[deep]': 'true', 'list[]': '1' })).toEqual({ obj: { deep: true }, list: [1] })
    expect(coerce({ 'obj.deep': 'false', 'list[0]': '3', 'list[1]': '4' })).toEqual({ obj: { deep: false }, list: [3, 4] })
  })

  it('keeps a key the schema names literally even with a dot in it', () => {
    expect(coerce({ 'a.b': '2' })).toEqual({ 'a.b': 2 })
  })

  it('ignores prototype-polluting keys', () => {
    const out = coerce({ '__proto__[polluted]': 'yes', 'constructor.prototype.x': '1', n: '1' })
    expect(out).toEqual({ n: 1 })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('coerces only JSON-number text, and only to finite numbers', () => {
    expect(coerce({ f: '-0.5e-3', n: '10' })).toEqual({ f: -0.0005, n: 10 })
    for (const text of ['1e400', '-1e400', 'Infinity', '0x10', ' 1', '1 ', '1_000', '+1', '.5', '1.', '01', '']) {
      expect(coerce({ n: text }).n).toBe(text)
    }
  })

  it('answers a 16 KB value, numeric or not, with the right result', () => {
    const digits = '9'.repeat(16_384)
    expect(coerce({ f: `0.${digits}` }).f).toBe(1)
    expect(coerce({ f: digits }).f).toBe(digits) // 1e16384 is not finite: left for the validator
    expect(coerce({ f: `${digits}x` }).f).toBe(`${digits}x`)
    expect(coerce({ list: [`${digits}e`, '2'] }).list).toEqual([`${digits}e`, 2])
  })

  it('drops a top-level __proto__ key instead of setting the prototype', () => {
    const query = Object.create(null) as Record<string, unknown>
    query.__proto__ = ['a', 'b'] // as the query parser hands it over
    query.n = '1'
    const out = coerce(query)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['n'])
    const untyped = compileQueryCoercer({ type: 'object' })(query)
    expect(Object.getPrototypeOf(untyped)).toBe(Object.prototype)
    expect(Object.keys(untyped)).toEqual(['n'])
  })
})
