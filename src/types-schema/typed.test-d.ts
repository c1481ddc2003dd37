import { expectTypeOf, test } from 'vitest'
import { action } from 'serval'
import { createClient } from 'serval/client'
import type * as api from '../../examples/typed.ts'
import type * as shelf from '../../test/fixtures/typed/shelf.ts'

const client = createClient<typeof api>('http://localhost:8000')
const shelfClient = createClient<typeof shelf>('http://localhost:8000')

test('a types-only action types the client from its handler', () => {
  expectTypeOf(client.findBooks).parameter(0).toEqualTypeOf<{ author: string; limit?: number }>()
  expectTypeOf(client.findBooks({ author: 'x' })).resolves.toHaveProperty('total').toEqualTypeOf<number>()
  expectTypeOf(client.addBook({ title: 't', year: 1 })).resolves.toHaveProperty('format').toEqualTypeOf<'paperback' | 'hardcover' | 'ebook'>()
  // @ts-expect-error year is a number
  void client.addBook({ title: 't', year: '1971' })
  // @ts-expect-error title is required
  void client.addBook({ year: 1971 })
})

test('a types-only stream is an async iterable of its yielded type', () => {
  expectTypeOf(shelfClient.upTo({ n: 2 })).toEqualTypeOf<AsyncIterable<{ i: number; last: boolean }>>()
})

test('an interface is a parameter type too (interfaces have no index signature)', () => {
  interface Draft {
    title: string
  }
  const withInterface = action({}, async (input: Draft) => input.title)
  expectTypeOf(createClient<{ withInterface: typeof withInterface }>('http://x').withInterface).parameter(0).toEqualTypeOf<Draft>()
})
