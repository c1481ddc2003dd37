import { describe, expect, it, vi } from 'vitest'
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

describe('query coercion: what decides a type', () => {
  it('follows local $refs, and treats an unresolvable one as untyped', () => {
    const coerce = compileQueryCoercer({
      type: 'object',
      $defs: { Count: { type: 'integer' } },
      properties: { c: { $ref: '#/$defs/Count' }, lost: { $ref: '#/$defs/Missing' }, remote: { $ref: 'other.json#/x' } },
    })
    expect(coerce({ c: '3', lost: '3', remote: '3' })).toEqual({ c: 3, lost: '3', remote: '3' })
  })

  it('reads types from type lists, anyOf/oneOf branches, const and enum', () => {
    const coerce = compileQueryCoercer({
      type: 'object',
      properties: {
        any: { anyOf: [{ type: 'integer' }, { type: 'boolean' }] },
        one: { oneOf: [{ $ref: '#/$defs/B' }] },
        k: { const: 5 },
        e: { enum: [true, null] },
        mixed: { type: ['number', 'string'] },
      },
      $defs: { B: { type: 'boolean' } },
    })
    expect(coerce({ any: '4', one: 'true', k: '5', e: 'false', mixed: '1' })).toEqual({ any: 4, one: true, k: 5, e: false, mixed: '1' })
    expect(coerce({ any: 'false', e: 'null' })).toEqual({ any: false, e: null })
  })

  it('turns "" and "null" into null only where null is allowed', () => {
    const coerce = compileQueryCoercer({ type: 'object', properties: { n: { type: ['integer', 'null'] }, i: { type: 'integer' } } })
    expect(coerce({ n: 'null', i: '' })).toEqual({ n: null, i: '' })
    expect(coerce({ n: '' })).toEqual({ n: null })
  })

  it('coerces extra keys by additionalProperties when it is a schema', () => {
    const typed = compileQueryCoercer({ type: 'object', additionalProperties: { type: 'number' } })
    expect(typed({ x: '1', y: '2.5' })).toEqual({ x: 1, y: 2.5 })
    const open = compileQueryCoercer({ type: 'object', additionalProperties: true })
    expect(open({ x: '1' })).toEqual({ x: '1' })
  })

  it('wraps a single value of an array field, keeps non-array fields as given, maps indexed objects in key order', () => {
    const coerce = compileQueryCoercer({ type: 'object', properties: { a: { type: 'array', items: { type: 'integer' } }, o: { type: 'object', properties: { 0: { type: 'integer' } } } } })
    expect(coerce({ a: '1' })).toEqual({ a: [1] })
    expect(coerce({ 'a[1]': '2', 'a[0]': '1' })).toEqual({ a: [1, 2] })
    expect(coerce({ 'o[0]': '7' })).toEqual({ o: { 0: 7 } }) // an object field stays an object
    expect(coerce({ 'a[x]': '1' })).toEqual({ a: { x: '1' } }) // not indexed: left for the validator
  })

  it('stops descending into recursive schemas after 8 levels: deeper text stays text', () => {
    const coerce = compileQueryCoercer({ $ref: '#/$defs/Node', $defs: { Node: { type: 'object', properties: { v: { type: 'integer' }, next: { $ref: '#/$defs/Node' } } } } })
    const key = (depth: number) => `${'next.'.repeat(depth)}v`
    const at = (value: Record<string, unknown>, depth: number): unknown => (depth === 0 ? value.v : at(value.next as Record<string, unknown>, depth - 1))
    expect(at(coerce({ [key(3)]: '1' }), 3)).toBe(1)
    expect(at(coerce({ [key(7)]: '1' }), 7)).toBe(1)
    expect(at(coerce({ [key(9)]: '1' }), 9)).toBe('1')
  })

  it('leaves an empty-schema field as text, and non-string values as they are', () => {
    const coerce = compileQueryCoercer({ type: 'object', properties: { free: {}, n: { type: 'number' } } })
    expect(coerce({ free: '1', n: ['1', '2'] })).toEqual({ free: '1', n: ['1', '2'] })
  })

  it('a[]= with several values, and mixing a[]= with a=, gives one list', () => {
    const coerce = compileQueryCoercer({ type: 'object', properties: { a: { type: 'array', items: { type: 'number' } } } })
    expect(coerce({ 'a[]': ['1', '2'] })).toEqual({ a: [1, 2] })
    expect(coerce({ a: '1', 'a[]': '2' })).toEqual({ a: [1, 2] })
  })

  it('a key given both as a value and as an object is a 422 naming it, never a silent drop of either part', () => {
    const coerce = compileQueryCoercer({ type: 'object' })
    for (const query of [{ a: 'x', 'a[b]': 'y' }, { 'a[b]': 'y', a: 'x' }, { 'a[b]': '1', 'a[b][c]': '2' }, { 'a[b][c]': '2', 'a.b': '1' }]) {
      let thrown: unknown
      try {
        coerce(query)
      } catch (error) {
        thrown = error
      }
      expect(thrown, JSON.stringify(query)).toMatchObject({ code: 'invalid-input', status: 422 })
      expect((thrown as { errors: { path: string }[] }).errors[0]!.path).toMatch(/^\/a/)
    }
  })

  it('nested keys build objects, also through dots', () => {
    const coerce = compileQueryCoercer({ type: 'object' })
    expect(coerce({ 'a.b.c': 'deep' })).toEqual({ a: { b: { c: 'deep' } } })
    expect(coerce({ 'weird]key': 'v', 'x.': 'w' })).toEqual({ 'weird]key': 'v', x: 'w' })
  })
})

describe('query coercion: edges a client can send', () => {
  it('reads numbers only for number fields: a boolean or null field keeps "1" as text for the validator', () => {
    const coerce = compileQueryCoercer({ type: 'object', properties: { b: { type: 'boolean' }, z: { type: 'null' } } })
    expect(coerce({ b: '1', z: '0' })).toEqual({ b: '1', z: '0' })
  })

  it('wraps a single text value of a list field whole (never split into characters), and makes a list of 11 indexed entries', () => {
    const coerce = compileQueryCoercer({ type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } })
    expect(coerce({ tags: 'hello' })).toEqual({ tags: ['hello'] })
    const indexed = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`tags[${i}]`, `t${i}`]))
    expect(coerce(indexed)).toEqual({ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) })
    // Keys that are not all whole numbers are an object: the validator refuses it for a list.
    expect(coerce({ 'tags[0]': 'a', 'tags[b1]': 'b' })).toEqual({ tags: { 0: 'a', b1: 'b' } })
    expect(coerce({ 'tags[0]': 'a', 'tags[1b]': 'b' })).toEqual({ tags: { 0: 'a', '1b': 'b' } })
  })

  it('keeps a plain constructor or prototype key for the validator to see (a strict schema refuses it, never a silent drop)', () => {
    const coerce = compileQueryCoercer({ type: 'object', properties: { a: { type: 'integer' } } })
    const out = coerce({ constructor: 'x', prototype: 'y', a: '1' })
    expect(Object.entries(out)).toEqual([['constructor', 'x'], ['prototype', 'y'], ['a', 1]])
  })

  it('keeps a key whose brackets do not close the name as it is', () => {
    const coerce = compileQueryCoercer({ type: 'object' })
    expect(coerce({ 'a[b]c': '1', 'x.y': '2' })).toEqual({ 'a[b]c': '1', x: { y: '2' } })
  })

  it('ends on recursive schemas through lists and extra properties too', () => {
    const tree = { type: 'object', properties: { n: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#/$defs/T' } } } }
    const viaItems = compileQueryCoercer({ $ref: '#/$defs/T', $defs: { T: tree } })
    expect(viaItems({ n: '1', 'kids[0][n]': '2' })).toEqual({ n: 1, kids: [{ n: 2 }] })
    const bag = { type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: { $ref: '#/$defs/B' } }
    const viaExtra = compileQueryCoercer({ $ref: '#/$defs/B', $defs: { B: bag } })
    expect(viaExtra({ 'x.n': '2' })).toEqual({ x: { n: 2 } })
  })

  it('treats a $ref through a missing path as untyped', () => {
    const coerce = compileQueryCoercer({ type: 'object', properties: { lost: { $ref: '#/$defs/Missing/deeper/still' } } })
    expect(coerce({ lost: '3' })).toEqual({ lost: '3' })
  })

  it('names the key given both ways, and says how to fix it', () => {
    const coerce = compileQueryCoercer({ type: 'object' })
    let thrown: unknown
    try {
      coerce({ 'a.b': 'x', 'a.b.c': 'y' })
    } catch (error) {
      thrown = error
    }
    expect((thrown as { errors: unknown[] }).errors).toEqual([{ path: '/a/b', message: '"a.b" is given both as a value and as an object (e.g. a.b=… and a.b[key]=…); send one' }])
  })
})

// The module's constants (the number grammar, the unsafe keys) are built when it is imported: a test
// that imports it afresh is the one that covers them (docs/testing.md, "Module-level caches").
describe('query coercion, with the module imported inside the test', () => {
  const fresh = async () => {
    vi.resetModules()
    return (await import('./coerce.ts')).compileQueryCoercer(schema)
  }

  it('reads JSON number text as a number, and leaves any other text as text', async () => {
    const coerce = await fresh()
    const numbers: [string, number][] = [['0', 0], ['-7', -7], ['10', 10], ['1.25', 1.25], ['-0.5', -0.5], ['1e3', 1000], ['2E-2', 0.02], ['1.5e+2', 150]]
    for (const [text, value] of numbers) expect(coerce({ f: text }), text).toEqual({ f: value })
    for (const text of ['x1', '1x', '01', '-', '+1', '1.', '.5', '1e', '1e+', '1.2.3', 'e5', '1ee5', '1e5x', '1.x', 'a1e5'])
      expect(coerce({ f: text }), text).toEqual({ f: text })
  })

  it('drops __proto__, constructor and prototype keys, and keeps what the schema does not name as it came', async () => {
    const coerce = await fresh()
    expect(coerce({ 'constructor[x]': '1', 'obj[prototype][y]': '1', '__proto__[z]': '1', n: '1' })).toEqual({ n: 1 })
    expect(coerce({ other: '5', n: '2' })).toEqual({ other: '5', n: 2 })
  })
})
