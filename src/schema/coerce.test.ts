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
})
