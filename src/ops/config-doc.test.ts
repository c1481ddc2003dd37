import { describe, expect, it } from 'vitest'
import { mergePatch, overrideIssues, prune } from './config-doc.ts'

describe('mergePatch (RFC 7396)', () => {
  // The examples of RFC 7396 appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result)
  })

  it('leaves the target untouched', () => {
    const target = { a: { b: 1 } }
    mergePatch(target, { a: { b: 2 } })
    expect(target).toEqual({ a: { b: 1 } })
  })
})

describe('overrideIssues', () => {
  const names = new Set(['hello'])
  it('accepts a full document', () => {
    expect(overrideIssues({ log_level: 'warn', actions: { hello: { enabled: false } }, rate_limit: { max: 5, window_s: 10 } }, names)).toEqual([])
  })

  it('escapes keys as JSON Pointer segments', () => {
    expect(overrideIssues({ 'a/b~c': 1 }, names)).toEqual([{ path: '/a~1b~0c', message: expect.stringContaining('not a runtime setting') }])
  })

  it('refuses integers written as floats and windows past a day', () => {
    expect(overrideIssues({ rate_limit: { max: 1.5, window_s: 86_401 } }, names).map((i) => i.path)).toEqual(['/rate_limit/max', '/rate_limit/window_s'])
  })
})

describe('prune', () => {
  it('drops the objects a null emptied', () => {
    expect(prune({ actions: { hello: {} }, rate_limit: {} })).toEqual({})
    expect(prune({ log_level: 'warn', actions: { hello: { enabled: true } } })).toEqual({ log_level: 'warn', actions: { hello: { enabled: true } } })
  })
})
