import { describe, expectTypeOf, it } from 'vitest'
import { action, disabledResource, resource, type ResourceValue, type ResourcesOf } from '../index.ts'

class Pool {
  query(_sql: string): Promise<{ rows: unknown[] }> {
    return Promise.resolve({ rows: [] })
  }
}

const db = resource('typeTestDb', { open: async () => (process.env.X ? new Pool() : disabledResource('X is not set')), close: (pool) => void pool })
const clock = resource('typeTestClock', { open: () => new Map<string, number>() })

declare module '../index.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the members come from ResourcesOf
  interface Resources extends ResourcesOf<typeof db | typeof clock> {}
}

describe('resource types', () => {
  it('infers the value from open, without the disabled marker', () => {
    expectTypeOf<ResourceValue<typeof db>>().toEqualTypeOf<Pool>()
    expectTypeOf(db.name).toEqualTypeOf<'typeTestDb'>()
  })

  it('close gets the opened value', () => {
    resource('n', { open: () => 42, close: (n) => {
        expectTypeOf(n).toEqualTypeOf<number>()
      },
    })
  })

  it('a handler reads ctx.resources typed once Resources is extended', () => {
    action({}, (_in, ctx) => {
      expectTypeOf(ctx.resources.typeTestDb).toEqualTypeOf<Pool>()
      expectTypeOf(ctx.resources.typeTestClock).toEqualTypeOf<Map<string, number>>()
      expectTypeOf(ctx.traceId).toEqualTypeOf<string | undefined>()
    })
  })

  it('refuses an open that is not a function', () => {
    // @ts-expect-error open must be a function
    resource('bad', { open: 1 })
  })
})
