import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ActionError, errorCodes, ServalError, toProblem } from 'serval'

describe('the error registry', () => {
  it('agrees with docs/errors.md, row for row', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (\d+) \| ([^|]+) \| `urn:serval:problem:([a-z-]+)` \|$/gm)]
    const documented = Object.fromEntries(rows.map((m) => [m[1], { status: Number(m[2]), title: m[3]?.trim() }]))
    expect(documented).toEqual(Object.fromEntries(Object.entries(errorCodes).map(([c, d]) => [c, { status: d.status, title: d.title }])))
    for (const m of rows) expect(m[4]).toBe(m[1])
  })

  it('normalises anything thrown, hiding unknown errors outside dev mode', () => {
    expect(toProblem(new Error('db down'), { devMode: false })).toMatchObject({ status: 500, type: 'urn:serval:problem:internal' })
    expect(toProblem(new Error('db down'), { devMode: false }).detail).not.toContain('db down')
    expect(toProblem('a string', { devMode: true }).detail).toContain('a string')
    expect(toProblem(new ServalError('not-found', { detail: 'x' }), { devMode: false })).toMatchObject({ status: 404, detail: 'x' })
  })

  it('refuses an ActionError status outside 400–599', () => {
    expect(() => new ActionError(200, 'fine')).toThrow(RangeError)
    expect(new ActionError(409, 'taken', { name: 'a' }).toProblem()).toMatchObject({ status: 409, title: 'taken', details: { name: 'a' } })
  })
})
