import { Type } from '@sinclair/typebox'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { upload } from '../action/upload.ts'

/**
 * The validator settings and the upload checks, each test on fresh modules:
 * the schema module keeps one shared Ajv and a cache of compiled schemas, so
 * without a fresh import only the first test of a file would build them.
 */
const fresh = () => import('./index.ts')
beforeEach(() => {
  vi.resetModules()
})

describe('input validation settings', () => {
  it('lists every failing path, never coerces, applies defaults and refuses extra properties (it does not drop them)', async () => {
    const { compileInput } = await fresh()
    const c = await compileInput({
      type: 'object',
      properties: { n: { type: 'integer' }, s: { type: 'string' }, d: { type: 'string', default: 'dflt' } },
      additionalProperties: false,
    })
    expect(c.validate({ n: '1', s: 2, extra: true })).toEqual({
      ok: false,
      issues: [
        { path: '/extra', message: 'is not allowed (no such property)' },
        { path: '/n', message: 'must be integer' },
        { path: '/s', message: 'must be string' },
      ],
    })
    expect(c.validate({ n: 1 })).toEqual({ ok: true, value: { n: 1, d: 'dflt' } })
  })

  it('points at a missing property whose name has ~ and / in it (JSON Pointer escapes)', async () => {
    const { compileInput } = await fresh()
    const c = await compileInput({ type: 'object', properties: { 'a~b/c': { type: 'string' } }, required: ['a~b/c'] })
    expect(c.validate({})).toEqual({ ok: false, issues: [{ path: '/a~0b~1c', message: "must have required property 'a~b/c'" }] })
  })

  it('compiles a schema with null in it (a null default)', async () => {
    const { compileInput } = await fresh()
    const c = await compileInput({ type: 'object', properties: { note: { type: ['string', 'null'], default: null } } })
    expect(c.validate({})).toEqual({ ok: true, value: { note: null } })
  })

  it('checks formats', async () => {
    const { compileInput } = await fresh()
    const c = await compileInput({ type: 'object', properties: { email: { type: 'string', format: 'email' } } })
    expect(c.validate({ email: 'not an address' })).toEqual({ ok: false, issues: [{ path: '/email', message: 'must match format "email"' }] })
  })

  it("compiles schemas with keywords Ajv does not know (other libraries' extensions)", async () => {
    const { compileInput } = await fresh()
    const c = await compileInput({ type: 'object', 'x-vendor': { any: 1 }, discriminator: { propertyName: 'kind' }, properties: { a: { type: 'string', 'x-internal': true } } } as never)
    expect(c.validate({ a: 'x' })).toEqual({ ok: true, value: { a: 'x' } })
  })

  it('compiles two different schemas that carry the same $id (two actions, two versions of a type)', async () => {
    const { compileInput } = await fresh()
    const v1 = await compileInput(Type.Object({ name: Type.String() }, { $id: 'User' }))
    const v2 = await compileInput(Type.Object({ age: Type.Integer() }, { $id: 'User' }))
    expect(v1.validate({ name: 'ann' })).toMatchObject({ ok: true })
    expect(v2.validate({ age: 'old' })).toMatchObject({ ok: false, issues: [{ path: '/age' }] })
  })
})

describe('upload fields', () => {
  const schema = Type.Object({ doc: upload(), files: Type.Array(upload()), meta: Type.Object({ thumb: upload(), lang: Type.String() }), tags: Type.Array(Type.String()) })

  it('accept a File (any Blob) where the schema has a file, and refuse text with a message that says how to send one', async () => {
    const { compileInput } = await fresh()
    const c = await compileInput(schema)
    const file = new File(['x'], 'a.txt')
    const ok = { doc: file, files: [file, new Blob(['y'])], meta: { thumb: file, lang: 'en' }, tags: ['t'] }
    expect(c.validate(ok)).toEqual({ ok: true, value: ok })
    const bad = c.validate({ doc: 'aGVsbG8=', files: ['x'], meta: { thumb: file, lang: 'en' }, tags: [file] })
    const message = 'must be a file (send it as a multipart/form-data part)'
    expect(bad).toEqual({ ok: false, issues: [{ path: '/doc', message }, { path: '/files/0', message }, { path: '/tags/0', message: 'must be string' }] })
    // The documented schema still says what OpenAPI and clients expect.
    expect(c.jsonSchema.properties).toMatchObject({ doc: { type: 'string', format: 'binary' } })
  })

  it('are found by their dotted paths, a list of files included; a list of text or an untyped list is not a file', async () => {
    const { binaryFields } = await fresh()
    expect(binaryFields(schema)).toEqual(new Set(['doc', 'files', 'meta.thumb']))
    expect(binaryFields({ type: 'object', properties: { raw: { format: 'binary' }, any: { type: 'array' }, text: { type: 'string' } } })).toEqual(new Set(['raw']))
    expect(binaryFields({ type: 'object' })).toEqual(new Set())
  })

  it('are found 8 levels deep, not deeper (recursive schemas end there)', async () => {
    const { binaryFields } = await fresh()
    const nest = (levels: number): Record<string, unknown> => (levels === 0 ? upload() : { type: 'object', properties: { a: nest(levels - 1) } })
    expect(binaryFields(nest(8) as never)).toEqual(new Set(['a.a.a.a.a.a.a.a']))
    expect(binaryFields(nest(9) as never)).toEqual(new Set())
  })

  it('a binary schema is a string or untyped with format binary, nothing else', async () => {
    const { isBinarySchema } = await fresh()
    expect(isBinarySchema({ type: 'string', format: 'binary' })).toBe(true)
    expect(isBinarySchema({ format: 'binary' })).toBe(true)
    expect(isBinarySchema({ type: 'integer', format: 'binary' })).toBe(false)
    expect(isBinarySchema({ type: 'string', format: 'byte' })).toBe(false)
    for (const v of [null, undefined, 'binary', 1]) expect(isBinarySchema(v)).toBe(false)
  })
})

describe('output checks', () => {
  it('still check additionalProperties given as a schema, and keywords whose value is false', async () => {
    const { compileOutput } = await fresh()
    const c = await compileOutput({ type: 'object', properties: { done: { const: false }, note: { type: ['string', 'null'], default: null } }, additionalProperties: { type: 'number' } })
    expect(c.async).toBe(false)
    expect(c.validate({ done: false, note: null, extra: 1 })).toEqual({ ok: true, value: { done: false, note: null, extra: 1 } })
    expect(c.validate({ done: true })).toMatchObject({ ok: false, issues: [{ path: '/done' }] })
    expect(c.validate({ done: false, extra: 'text' })).toMatchObject({ ok: false, issues: [{ path: '/extra', message: 'must be number' }] })
  })

  it('serialise undefined as null under a schema that is only a $schema', async () => {
    const { compileOutput } = await fresh()
    const c = await compileOutput({ $schema: 'https://json-schema.org/draft/2020-12/schema' })
    expect(c.serialize(undefined)).toBe('null')
  })
})
