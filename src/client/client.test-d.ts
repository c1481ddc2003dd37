import { expectTypeOf, test } from 'vitest'
import { createClient, type ClientJobView, type JobHandle } from 'serval/client'
import type * as api from '../../test/fixtures/client-api.ts'

const client = createClient<typeof api>('http://localhost:8000')

test('input and output infer from the schemas', () => {
  expectTypeOf(client.sayHello).parameter(0).toEqualTypeOf<{ name: string }>()
  expectTypeOf(client.sayHello({ name: 'Ada' })).toEqualTypeOf<Promise<string>>()
  expectTypeOf(client.double({ n: 1 })).resolves.toEqualTypeOf<{ doubled: number }>()
  // Defaults make fields optional for the caller.
  expectTypeOf(client.search).parameter(0).toEqualTypeOf<{ q: string; limit?: number | undefined; tags?: string[] | undefined; page?: { size: number; exact: boolean } | undefined }>()
  expectTypeOf(client.forget({ id: 'x' })).toEqualTypeOf<Promise<undefined>>()
})

test('a call takes an AbortSignal and headers', () => {
  client.sayHello({ name: 'Ada' }, { signal: new AbortController().signal, headers: { 'x-request-id': 'r' } })
  // @ts-expect-error no such option
  client.sayHello({ name: 'Ada' }, { timeout: 5 })
})

test('streams are async iterables of their items', () => {
  expectTypeOf(client.countdown({ from: 3 })).toEqualTypeOf<AsyncIterable<{ n: number }>>()
  expectTypeOf(client.failLate()).toEqualTypeOf<AsyncIterable<number>>()
})

test('jobs return a typed handle', () => {
  expectTypeOf(client.jobs.double({ n: 1 })).toEqualTypeOf<Promise<JobHandle<{ doubled: number }>>>()
  expectTypeOf<JobHandle<number>['result']>().returns.toEqualTypeOf<Promise<number>>()
  expectTypeOf<JobHandle<number>['status']>().returns.toEqualTypeOf<Promise<ClientJobView>>()
  // @ts-expect-error n must be a number
  void client.jobs.double({ n: '1' })
})

test('wrong input and output are compile errors', () => {
  // @ts-expect-error name must be a string
  void client.sayHello({ name: 42 })
  // @ts-expect-error name is required
  void client.sayHello({})
  // @ts-expect-error the input is required
  void client.sayHello()
  // @ts-expect-error a string is not a number
  const n: Promise<number> = client.sayHello({ name: 'x' })
  void n
  // An action without input may be called without it.
  void client.privateThing()
})

test('non-action exports are not on the client', () => {
  // @ts-expect-error `version` is a string export, not an action
  void client.version
  // @ts-expect-error `aborted` is an array export
  void client.jobs.aborted
  // @ts-expect-error no such action
  void client.nothingHere
})
