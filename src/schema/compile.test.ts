import { Type } from '@sinclair/typebox'
import { type } from 'arktype'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compileInput, compileOutput, invalidInput, invalidOutput, isStandardSchema, standardToJsonSchema } from './index.ts'

/** The schema compile API: what every transport's validation stands on. */

describe('compileInput', () => {
  it('no schema accepts any object and refuses anything else', async () => {
    const c = await compileInput(undefined)
    expect(c.jsonSchema).toEqual({ type: 'object' })
    expect(c.async).toBe(false)
    expect(c.validate({ any: 1 })).toEqual({ ok: true, value: { any: 1 } })
    expect(c.validate([1])).toEqual({ ok: false, issues: [{ path: '', message: 'must be object' }] })
  })

  it('JSON Schema: strict types, defaults applied, every failing path, pointers escaped', async () => {
    const c = await compileInput({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { n: { type: 'integer' }, 'a/b~c': { type: 'string' }, d: { type: 'string', default: 'dflt' }, 'x/y': {} },
      required: ['n', 'x/y'],
      additionalProperties: false,
    })
    expect(c.jsonSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema') // kept for OpenAPI, stripped for Ajv
    expect(c.validate({ n: 1, 'x/y': 0 })).toEqual({ ok: true, value: { n: 1, 'x/y': 0, d: 'dflt' } })
    const bad = c.validate({ n: '1', 'a/b~c': 2, extra: true })
    expect(bad).toEqual({
      ok: false,
      issues: [
        { path: '/x~1y', message: "must have required property 'x/y'" },
        { path: '/extra', message: 'is not allowed (no such property)' },
        { path: '/n', message: 'must be integer' },
        { path: '/a~1b~0c', message: 'must be string' },
      ],
    })
  })

  it('checks formats', async () => {
    const c = await compileInput({ type: 'object', properties: { e: { type: 'string', format: 'email' } } })
    expect(c.validate({ e: 'a@b.co' })).toEqual({ ok: true, value: { e: 'a@b.co' } })
    expect(c.validate({ e: 'nope' })).toEqual({ ok: false, issues: [{ path: '/e', message: 'must match format "email"' }] })
  })

  it('TypeBox schemas are JSON Schema', async () => {
    const c = await compileInput(Type.Object({ a: Type.Number() }))
    expect(c.async).toBe(false)
    expect(c.validate({ a: 'x' })).toEqual({ ok: false, issues: [{ path: '/a', message: 'must be number' }] })
  })

  it('unevaluatedProperties: false refuses what no part of an intersection names (TypeBox Intersect, plain allOf)', async () => {
    const parts = [Type.Object({ a: Type.String() }), Type.Object({ b: Type.Number() })]
    for (const schema of [Type.Intersect(parts, { unevaluatedProperties: false }), { allOf: parts, unevaluatedProperties: false }]) {
      const c = await compileInput(schema)
      expect(c.validate({ a: 'x', b: 1 })).toEqual({ ok: true, value: { a: 'x', b: 1 } })
      expect(c.validate({ a: 'x', b: 1, extra: true })).toEqual({ ok: false, issues: [{ path: '/extra', message: 'is not allowed (no part of the schema names it)' }] })
    }
  })

  it('an output with unevaluatedProperties: false still lets extra fields through (the serialiser drops them)', async () => {
    const out = await compileOutput(Type.Intersect([Type.Object({ a: Type.String() }), Type.Object({ b: Type.Number() })], { unevaluatedProperties: false }))
    expect(out?.validate({ a: 'x', b: 1, extra: true })).toMatchObject({ ok: true })
  })

  it.each([
    ['zod', z.object({ user: z.object({ name: z.string() }) })],
    ['valibot', v.object({ user: v.object({ name: v.string() }) })],
    ['arktype', type({ user: { name: 'string' } })],
  ])('%s: validates (async-capable) with JSON-Pointer paths and has a JSON Schema', async (_lib, schema) => {
    const c = await compileInput(schema)
    expect(c.async).toBe(true)
    expect(await c.validate({ user: { name: 'Ada' } })).toEqual({ ok: true, value: { user: { name: 'Ada' } } })
    const bad = await c.validate({ user: { name: 1 } })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.issues.map((i) => i.path)).toEqual(['/user/name'])
    expect(c.jsonSchema).toMatchObject({ type: 'object', properties: { user: { type: 'object' } } })
  })

  it('a Standard Schema that validates asynchronously is awaited', async () => {
    const c = await compileInput(z.object({ a: z.string() }).refine(async (x) => x.a !== 'no', { message: 'not no' }))
    const result = c.validate({ a: 'no' })
    expect(result).toBeInstanceOf(Promise)
    expect(await result).toEqual({ ok: false, issues: [{ path: '', message: 'not no' }] })
  })

  it('a root-level Standard Schema issue has the empty path', async () => {
    const c = await compileInput(z.string())
    expect(await c.validate(1)).toEqual({ ok: false, issues: [expect.objectContaining({ path: '' })] })
  })

  it('Standard Schema issue paths become JSON Pointers, whether segments are keys (zod) or { key } objects (valibot), or absent', async () => {
    const zod = await compileInput(z.object({ 'a/b': z.array(z.number()) }))
    expect(await zod.validate({ 'a/b': [1, 'x'] })).toEqual({ ok: false, issues: [expect.objectContaining({ path: '/a~1b/1' })] })
    const vali = await compileInput(v.object({ list: v.array(v.number()) }))
    expect(await vali.validate({ list: [1, 'x'] })).toEqual({ ok: false, issues: [expect.objectContaining({ path: '/list/1' })] })
    const noPath = { '~standard': { version: 1, vendor: 'custom', validate: () => ({ issues: [{ message: 'nope' }] }) } } as never
    expect(await (await compileInput(noPath)).validate({})).toEqual({ ok: false, issues: [{ path: '', message: 'nope' }] })
  })
})

describe('compileOutput', () => {
  const schema = { type: 'object', properties: { a: { type: 'number' }, inner: { type: 'object', properties: { b: { type: 'string' } }, additionalProperties: false } }, additionalProperties: false } as const

  it('accepts extra fields at every level, and the serialiser drops them', async () => {
    const c = await compileOutput(schema)
    const value = { a: 1, hidden: 'x', inner: { b: 'y', secret: 'z' } }
    expect(c.validate(value)).toEqual({ ok: true, value })
    expect(JSON.parse(c.serialize(value))).toEqual({ a: 1, inner: { b: 'y' } })
    expect(c.jsonSchema).toBe(schema) // the schema as written, for OpenAPI
  })

  it('also through arrays and unevaluatedProperties', async () => {
    const c = await compileOutput({ type: 'array', items: { type: 'object', properties: { n: { type: 'number' } }, unevaluatedProperties: false } })
    expect(c.validate([{ n: 1, x: 2 }])).toEqual({ ok: true, value: [{ n: 1, x: 2 }] })
    expect(JSON.parse(c.serialize([{ n: 1, x: 2 }]))).toEqual([{ n: 1 }])
  })

  it('refuses a wrong type with the issue path', async () => {
    const c = await compileOutput(schema)
    expect(c.validate({ a: 'one' })).toEqual({ ok: false, issues: [{ path: '/a', message: 'must be number' }] })
  })

  it('an empty schema serialises anything as JSON, undefined as null', async () => {
    const c = await compileOutput({})
    expect(c.serialize({ any: [1, 'x'] })).toBe('{"any":[1,"x"]}')
    expect(c.serialize(undefined)).toBe('null')
    const withDraft = await compileOutput({ $schema: 'https://json-schema.org/draft/2020-12/schema' })
    expect(withDraft.serialize({ kept: true })).toBe('{"kept":true}')
  })

  it('a Standard Schema output: async validation, and a serialiser from its JSON Schema', async () => {
    const c = await compileOutput(z.object({ greeting: z.string() }))
    expect(c.async).toBe(true)
    expect(await c.validate({ greeting: 'hi', extra: 1 })).toEqual({ ok: true, value: { greeting: 'hi' } })
    expect(c.serialize({ greeting: 'hi', extra: 1 })).toBe('{"greeting":"hi"}')
  })

  it('a schema the fast serialiser cannot compile falls back to JSON.stringify', async () => {
    // A Standard Schema's JSON form goes to the serialiser only (it validates itself).
    const broken = { type: 'object', properties: { a: { $ref: '#/nowhere' } } }
    const std = { '~standard': { version: 1, vendor: 'custom', validate: (x: unknown) => ({ value: x }), jsonSchema: { input: () => broken, output: () => broken } } }
    const c = await compileOutput(std as never)
    expect(c.jsonSchema).toEqual(broken)
    expect(c.serialize({ a: 1, b: 2 })).toBe('{"a":1,"b":2}')
  })

  it('identical schemas share a validator and a serialiser', async () => {
    const one = await compileOutput({ type: 'object', properties: { same: { type: 'string' } } })
    const two = await compileOutput({ type: 'object', properties: { same: { type: 'string' } } })
    expect(two.serialize).toBe(one.serialize)
  })
})

describe('problems from issues', () => {
  it('invalidInput sums the first issue up, with a count of the rest', () => {
    expect(invalidInput([{ path: '/a/b', message: 'must be number' }, { path: '/c', message: 'x' }, { path: '', message: 'y' }])).toMatchObject({
      code: 'invalid-input',
      status: 422,
      detail: 'a.b: must be number (and 2 more)',
      errors: [{ path: '/a/b', message: 'must be number' }, { path: '/c', message: 'x' }, { path: '', message: 'y' }],
    })
    expect(invalidInput([{ path: '', message: 'must be object' }]).detail).toBe('(root): must be object')
    expect(invalidInput([]).detail).toBe('Invalid value')
  })

  it('invalidOutput is a 500 that carries the issues as an extension', () => {
    expect(invalidOutput([{ path: '/n', message: 'bad' }])).toMatchObject({
      code: 'invalid-output',
      status: 500,
      detail: 'The action produced an output that does not match its schema',
      extensions: { outputIssues: [{ path: '/n', message: 'bad' }] },
    })
  })
})

describe('Standard Schema detection and JSON Schemas', () => {
  it('knows a Standard Schema by its ~standard.validate', () => {
    expect(isStandardSchema(z.string())).toBe(true)
    expect(isStandardSchema(type('string'))).toBe(true) // a function
    expect(isStandardSchema({ '~standard': {} })).toBe(false)
    expect(isStandardSchema({ '~standard': null })).toBe(false)
    expect(isStandardSchema({ type: 'string' })).toBe(false)
    expect(isStandardSchema(null)).toBe(false)
    expect(isStandardSchema('x')).toBe(false)
  })

  it('takes input and output JSON Schemas apart where they differ', async () => {
    const s = z.object({ n: z.string().transform((x) => x.length) })
    expect(await standardToJsonSchema(s, 'input')).toMatchObject({ properties: { n: { type: 'string' } } })
    expect(await standardToJsonSchema(v.object({ a: v.number() }), 'input')).toMatchObject({ type: 'object', properties: { a: { type: 'number' } } })
    // A valibot part with no JSON form (a custom check) leaves the rest of the schema for OpenAPI and coercion.
    const partial = v.object({ a: v.number(), b: v.custom<string>((x) => typeof x === 'string') })
    expect(await standardToJsonSchema(partial, 'input')).toMatchObject({ type: 'object', properties: { a: { type: 'number' } } })
  })

  it('gives {} for a schema with no JSON form, or a library without one', async () => {
    const noJson = { '~standard': { version: 1, vendor: 'custom', validate: (x: unknown) => ({ value: x }) } } as never
    expect(await standardToJsonSchema(noJson, 'input')).toEqual({})
    const throws = { '~standard': { version: 1, vendor: 'custom', validate: (x: unknown) => ({ value: x }), jsonSchema: { input: () => { throw new Error('no') }, output: () => ({}) } } } as never
    expect(await standardToJsonSchema(throws, 'input')).toEqual({})
  })
})
