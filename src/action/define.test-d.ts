import { expectTypeOf, test } from 'vitest'
import { Type } from '@sinclair/typebox'
import { z } from 'zod'
import * as v from 'valibot'
import { action, type ActionContext, type Principal } from 'serval'

type TypesOf<A> = A extends { '~types'?: infer T } ? NonNullable<T> : never

test('zod: input and output infer into the handler and onto the action', () => {
  const a = action({ input: z.object({ name: z.string(), n: z.number().default(1) }), output: z.string() }, (input, ctx) => {
    expectTypeOf(input).toEqualTypeOf<{ name: string; n: number }>()
    expectTypeOf(ctx).toEqualTypeOf<ActionContext>()
    expectTypeOf(ctx.auth).toEqualTypeOf<Principal | null>()
    return `hi ${input.name}`
  })
  expectTypeOf<TypesOf<typeof a>['input']>().toEqualTypeOf<{ name: string; n?: number | undefined }>()
  expectTypeOf<TypesOf<typeof a>['output']>().toEqualTypeOf<string>()
})

test('TypeBox and valibot infer too', () => {
  action({ input: Type.Object({ a: Type.Number(), tags: Type.Array(Type.String()) }), output: Type.Number() }, (input) => {
    expectTypeOf(input).toEqualTypeOf<{ a: number; tags: string[] }>()
    return input.a
  })
  action({ input: v.object({ title: v.string() }) }, (input) => {
    expectTypeOf(input).toEqualTypeOf<{ title: string }>()
  })
})

test('plain JSON Schema infers without `as const`', () => {
  const a = action(
    {
      input: { type: 'object', properties: { a: { type: 'number' }, s: { type: 'string' }, e: { enum: ['x', 'y'] } }, required: ['a'] },
      output: { type: 'array', items: { type: 'integer' } },
    },
    (input) => {
      expectTypeOf(input.a).toEqualTypeOf<number>()
      expectTypeOf(input.s).toEqualTypeOf<string | undefined>()
      expectTypeOf(input.e).toEqualTypeOf<'x' | 'y' | undefined>()
      return [1, 2]
    },
  )
  expectTypeOf<TypesOf<typeof a>['output']>().toEqualTypeOf<number[]>()
})

test('the handler must return what the output schema says', () => {
  // @ts-expect-error a number is not a string
  action({ output: z.string() }, () => 42)
  // @ts-expect-error the promise resolves to the wrong type
  action({ output: z.object({ ok: z.boolean() }) }, async () => ({ ok: 'yes' }))
  action({ output: z.object({ ok: z.boolean() }) }, async () => ({ ok: true }))
})

test('without an output schema the output type is the handler result', () => {
  const a = action({}, async () => ({ when: new Date() }))
  expectTypeOf<TypesOf<typeof a>['output']>().toEqualTypeOf<{ when: Date }>()
})

test('a streaming handler yields items of the output schema', () => {
  const a = action({ output: z.number() }, async function* () {
    yield 1
    yield 2
  })
  expectTypeOf<TypesOf<typeof a>['output']>().toEqualTypeOf<AsyncIterable<number>>()
})

test('examples are typed by the schemas', () => {
  action({ input: z.object({ n: z.number() }), output: z.number(), examples: [{ name: 'ok', input: { n: 1 }, output: 2 }] }, ({ n }) => n * 2)
  // @ts-expect-error the example input has the wrong type
  action({ input: z.object({ n: z.number() }), examples: [{ name: 'bad', input: { n: 'one' } }] }, ({ n }) => n)
})
