import { expectTypeOf, test } from 'vitest'
import { z } from 'zod'
import { action, resolver } from 'serval'

const item = z.object({ value: z.number() })
type Item = z.infer<typeof item>

test('a resolver infers its arguments, its return and (annotated) its parent', () => {
  action(
    {
      http: 'GET',
      output: item,
      fields: {
        twice: resolver({ input: z.object({ by: z.number().default(2) }), output: z.number() }, ({ by }, { parent }: { parent: Item }) => {
          expectTypeOf(by).toEqualTypeOf<number>()
          return parent.value * by
        }),
        // @ts-expect-error a resolver must return its output type
        wrong: resolver({ output: z.number() }, () => 'text'),
      },
    },
    () => ({ value: 1 }),
  )
})

test('a parent that does not match the output is a type error; batch gets parents', () => {
  action(
    {
      output: z.array(item),
      fields: {
        // @ts-expect-error the parent is an item, which has no `name`
        bad: resolver({ output: z.string() }, (_a, { parent }: { parent: { name: string } }) => parent.name),
        all: resolver({ output: z.number(), batch: true }, (_a, { parents }: { parents: readonly Item[] }) => parents.map((p) => p.value)),
      },
    },
    () => [],
  )
})

test('fields as a function of `field`: ctx.parent infers from the output schema, no annotation', () => {
  action(
    {
      http: 'GET',
      output: item,
      fields: (field) => ({
        twice: field({ input: z.object({ by: z.number().default(2) }), output: z.number() }, ({ by }, { parent }) => {
          expectTypeOf(parent).toEqualTypeOf<Item>()
          expectTypeOf(by).toEqualTypeOf<number>()
          return parent.value * by
        }),
        // @ts-expect-error the parent has no `name`
        missing: field({ output: z.string() }, (_a, { parent }) => parent.name),
        // @ts-expect-error a field must return its output type
        wrong: field({ output: z.number() }, () => 'text'),
      }),
    },
    () => ({ value: 1 }),
  )
})

test('on a list output the parent is the item; batched fields get `parents`; any schema library', () => {
  action(
    {
      output: z.array(item),
      fields: (field) => ({
        all: field({ output: z.number(), batch: true }, (_a, { parents }) => {
          expectTypeOf(parents).toEqualTypeOf<readonly Item[]>()
          return parents.map((p) => p.value)
        }),
      }),
    },
    () => [],
  )
  action(
    {
      output: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      fields: (field) => ({
        upper: field({ output: { type: 'string' } }, (_a, { parent }) => {
          expectTypeOf(parent).toEqualTypeOf<{ id: string }>()
          return parent.id.toUpperCase()
        }),
      }),
    },
    () => ({ id: 'a' }),
  )
})
