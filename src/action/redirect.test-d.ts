import { expectTypeOf, test } from 'vitest'
import { z } from 'zod'
import { action, redirect, type PageOptions, type Redirect } from 'serval'

type TypesOf<A> = A extends { '~types'?: infer T } ? NonNullable<T> : never

test('a handler with an output schema may return redirect(); the output type says so only then', () => {
  const sometimes = action({ http: 'GET', page: {}, input: z.object({ go: z.boolean() }), output: z.object({ n: z.number() }) }, ({ go }) => (go ? redirect('/elsewhere') : { n: 1 }))
  expectTypeOf<TypesOf<typeof sometimes>['output']>().toEqualTypeOf<{ n: number } | Redirect>()
  const never = action({ http: 'GET', output: z.object({ n: z.number() }) }, () => ({ n: 1 }))
  expectTypeOf<TypesOf<typeof never>['output']>().toEqualTypeOf<{ n: number }>()
  const async = action({ http: 'POST', output: z.string() }, async () => redirect('/x', 303))
  expectTypeOf<TypesOf<typeof async>['output']>().toEqualTypeOf<string | Redirect>()
})

test('redirect() takes only redirect statuses, and page options are typed', () => {
  // @ts-expect-error 200 is not a redirect status
  redirect('/x', 200)
  expectTypeOf<PageOptions>().toEqualTypeOf<{ readonly path?: string; readonly template?: string }>()
  // @ts-expect-error a page has no `layout` option
  action({ http: 'GET', page: { layout: 'x' } }, () => 1)
})
