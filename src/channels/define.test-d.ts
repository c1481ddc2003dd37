import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { action } from '../action/define.ts'
import type { Principal } from '../auth/principal.ts'
import { background, channel, webhook } from './define.ts'

describe('channel types', () => {
  it('publish takes the event type of the schema', () => {
    const messenger = channel('messenger', { event: z.object({ text: z.string() }), filter: (event) => event.text.length > 0 })
    expectTypeOf(messenger.publish).parameter(0).toEqualTypeOf<{ text: string }>()
    expectTypeOf(messenger.publish).returns.toEqualTypeOf<Promise<void>>()
  })

  it('filter sees the parsed event and the principal', () => {
    channel('c', {
      event: z.object({ to: z.string().optional() }),
      filter: (event, principal) => {
        expectTypeOf(event).toEqualTypeOf<{ to?: string | undefined }>()
        expectTypeOf(principal).toEqualTypeOf<Principal | null>()
        return true
      },
    })
  })

  it('webhook and background channels type their events too', () => {
    const hook = webhook('h', { url: 'http://127.0.0.1:9', secret: 's', event: z.object({ order: z.number() }) })
    expectTypeOf(hook.publish).parameter(0).toEqualTypeOf<{ order: number }>()
    const record = action({ input: z.object({ who: z.string() }) }, () => null)
    expectTypeOf(background(record).publish).parameter(0).toEqualTypeOf<{ who: string }>()
  })
})
