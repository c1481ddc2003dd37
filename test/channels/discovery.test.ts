import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { backoffDelay, jobOptions } from '../../src/jobs/index.ts'
import { channel, channelsOf, discoverChannels, isChannel, loadSettings, webhook } from 'serval'
import { createTestServer } from 'serval/testing'
import { CHAT, HOOKS } from './support.ts'

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

describe('channel discovery and registry', () => {
  it('finds channel exports beside the actions, with their files', async () => {
    const found = await discoverChannels([CHAT])
    expect(found.map((s) => [s.channel.name, s.exportName, s.file?.endsWith('chat.ts')])).toEqual([
      ['messenger', 'messenger', true],
      ['staff', 'staff', true],
      ['members', 'members', true],
    ])
    expect(isChannel(found[0]!.channel)).toBe(true)
    expect(isChannel({ publish: () => undefined })).toBe(false)
  })

  it('a duplicate channel name is a startup error naming both files', async () => {
    const error = await createTestServer({ dirs: [fixture('dup-channels')] }).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/Duplicate channel name "news".*a\.ts.*b\.ts/)
  })

  it('a background channel whose action is not served fails at startup, naming it', async () => {
    const error = await createTestServer({ dirs: [fixture('bad-background')] }).catch((e: Error) => e)
    expect((error as Error).message).toMatch(/background channel "audit" \(in .*audit\.ts\): its action is not served/)
  })

  it('refuses bad definitions when they are made', () => {
    expect(() => webhook('w', { url: 'http://127.0.0.1:9', event: {}, secret: '' })).toThrow(/secret/)
    expect(() => channel('bad name', { event: {} })).not.toThrow() // checked at startup, with the file
  })

  it('registers each channel with its kind and event schema; a background event is its action input', async () => {
    process.env.TEST_HOOK_URL ??= 'http://127.0.0.1:9/unused'
    const t = await createTestServer({ dirs: [CHAT, HOOKS] }, { workers: 0 })
    try {
      const { channels } = channelsOf(t.app)
      expect([...channels.values()].map((c) => [c.name, c.kind])).toEqual([
        ['messenger', 'websocket'],
        ['staff', 'websocket'],
        ['members', 'websocket'],
        ['orders', 'webhook'],
        ['audit', 'background'],
      ])
      expect(channels.get('audit')!.eventSchema).toMatchObject({ properties: { who: { type: 'string' } } })
      expect(t.app.registry.get('webhook:orders')?.methods).toEqual([])
    } finally {
      await t.close()
    }
  })
})

describe('webhook retry backoff', () => {
  it('doubles from 1 s and is capped at webhook_max_backoff_s', async () => {
    const backoff = { type: 'exponential' as const, delayMs: 1000, maxDelayMs: 300_000 }
    expect([1, 2, 3, 8, 9, 10, 12].map((n) => backoffDelay(backoff, n))).toEqual([1000, 2000, 4000, 128_000, 256_000, 300_000, 300_000])
    process.env.TEST_HOOK_URL ??= 'http://127.0.0.1:9/unused'
    const { settings } = await loadSettings({ cli: { webhook_max_backoff_s: '60' }, filesOff: true, env: {} })
    expect(settings.webhook_max_backoff_s).toBe(60)
    const t = await createTestServer({ dirs: [HOOKS] }, { workers: 0, webhook_max_backoff_s: 60 })
    try {
      expect(jobOptions(t.app.registry.get('webhook:orders')!, t.app.settings)).toMatchObject({ attempts: 4, backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: 60_000 } })
    } finally {
      await t.close()
    }
  })

  it('a bad webhook_max_backoff_s is a settings error naming it', async () => {
    await expect(loadSettings({ cli: { webhook_max_backoff_s: '0' }, filesOff: true, env: {} })).rejects.toThrow(/webhook.max.backoff/)
  })
})
