import { describe, expect, it } from 'vitest'
import { action, createApp, type ActionSource } from 'serval'
import { exampleCases } from 'serval/testing'

// The output schema names only `name`: a client never receives `secret`.
// (`as never`: these examples are wrong on purpose, or list a stream's items.)
const profile = action(
  {
    input: { type: 'object', properties: { id: { type: 'string' } } },
    output: { type: 'object', properties: { name: { type: 'string' } } },
    examples: [
      { name: 'what a client receives', input: { id: 'a' }, output: { name: 'Ada' } },
      { name: 'claims a field the serialiser drops', input: { id: 'a' }, output: { name: 'Ada', secret: 'x' } as never },
      { name: 'a wrong value', input: { id: 'a' }, output: { name: 'Bo' } },
    ],
  },
  () => ({ name: 'Ada', secret: 'x' }),
)

const ticks = action(
  {
    output: { type: 'object', properties: { n: { type: 'integer' } } },
    examples: [
      { name: 'every item as sent', input: {}, output: [{ n: 1 }, { n: 2 }] as never },
      { name: 'an item with a dropped field', input: {}, output: [{ n: 1 }, { n: 2, extra: true }] as never },
    ],
  },
  async function* () {
    yield { n: 1, extra: true }
    yield { n: 2, extra: true }
  },
)

const sources: ActionSource[] = [
  { action: profile, exportName: 'profile' },
  { action: ticks, exportName: 'ticks' },
]

async function outcome(title: string): Promise<string> {
  const app = await createApp({ actions: sources, settings: { log_level: 'silent' } })
  try {
    const found = exampleCases(app).find((c) => c.title === title)
    if (!found) throw new Error(`no example ${title}`)
    return await found.run().then(() => 'passed', (error: Error) => error.message)
  } finally {
    await app.close()
  }
}

describe('example cases compare what a client receives with the example as written', () => {
  it('passes when the serialised output equals the example', async () => {
    expect(await outcome('profile › what a client receives')).toBe('passed')
    expect(await outcome('ticks › every item as sent')).toBe('passed')
  })

  it('fails when the example expects a field the output schema never sends', async () => {
    expect(await outcome('profile › claims a field the serialiser drops')).toBe(
      'profile › claims a field the serialiser drops: expected {"name":"Ada","secret":"x"}, got {"name":"Ada"}',
    )
    expect(await outcome('ticks › an item with a dropped field')).toMatch(/^ticks › an item with a dropped field: expected .*"extra":true.*, got \[\{"n":1\},\{"n":2\}\]$/)
  })

  it('fails on a wrong value, naming action and example', async () => {
    expect(await outcome('profile › a wrong value')).toBe('profile › a wrong value: expected {"name":"Bo"}, got {"name":"Ada"}')
  })
})
