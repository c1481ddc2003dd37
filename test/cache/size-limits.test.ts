import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { action, createApp } from 'serval'
import { createTestServer } from 'serval/testing'
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from '../support/redis.ts'
import { ran, runs } from './support.ts'

// `text` is n characters long: its JSON entry is n plus about 60 bytes.
const blob = action({ name: 'blob', http: 'GET', cache: { ttl: 60, scope: 'public' } }, (input: { n: number; tag?: string }) => ({ text: 'é'.repeat(input.n / 2), tag: input.tag ?? '', run: ran(`blob${input.n}`) }))
const sources = [{ action: blob, exportName: 'blob' }]
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'serval-cache-limit-'))
  dirs.push(dir)
  return dir
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('cache_max_entry_bytes', () => {
  it('answers a result over it every time and keeps none of it, in memory or in data_dir', async () => {
    const dir = tempDir()
    const t = await createTestServer({ actions: sources }, { data_dir: dir, cache_max_entry_bytes: 2048 })
    try {
      // 2,000 "é" are 4,000 bytes of JSON (but 2,000 characters): the limit counts bytes.
      for (let i = 1; i <= 2; i++) {
        const big = await t.fetch('/actions/blob?n=4000')
        expect(big.status).toBe(200)
        expect(big.headers.get('x-cache')).toBe('MISS')
        expect(((await big.json()) as { run: number }).run).toBe(i)
      }
      expect(readdirSync(join(dir, 'cache'))).toEqual([])
      // One under the limit is kept as before.
      await t.fetch('/actions/blob?n=1000')
      const small = await t.fetch('/actions/blob?n=1000')
      expect(small.headers.get('x-cache')).toBe('HIT')
      expect(runs.get('blob1000')).toBe(1)
    } finally {
      await t.close()
    }
  })
})

describe('the oversize warning', () => {
  it('is logged once per action, naming it and the bound that applies', async () => {
    const lines: { msg: string; action?: string }[] = []
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as { msg: string }), done()) })
    const app = await createApp({ actions: sources, settings: { data_dir: tempDir(), cache_max_entry_bytes: 2048 }, logger: pino({ level: 'warn' }, sink) })
    try {
      for (let i = 0; i < 3; i++) await app.call('blob', { n: 4000, tag: String(i) })
      const warned = lines.filter((l) => l.msg.includes('are answered, not cached'))
      expect(warned).toHaveLength(1)
      expect(warned[0]).toMatchObject({ action: 'blob', msg: expect.stringContaining('over 2048 bytes (cache_max_entry_bytes') })
    } finally {
      await app.close()
    }
  })
})

describe('cache_max_bytes', () => {
  it('bounds the embedded cache by bytes: past it the least recently used entries go, from memory and data_dir', async () => {
    const dir = tempDir()
    // 64 KiB in all, entries of about 10 KiB: six fit, the seventh pushes the first out.
    const app = await createApp({ actions: sources, settings: { data_dir: dir, log_level: 'silent', cache_max_bytes: 65_536, cache_max_entries: 1000 } })
    try {
      for (let i = 0; i < 8; i++) await app.call('blob', { n: 10_000, tag: String(i) })
      await app.close() // waits for the pending disk writes and removals
      const files = readdirSync(join(dir, 'cache'))
      expect(files.length).toBeGreaterThanOrEqual(5)
      expect(files.length).toBeLessThanOrEqual(6)
    } finally {
      await app.close()
    }
    const again = await createApp({ actions: sources, settings: { data_dir: dir, log_level: 'silent', cache_max_bytes: 65_536 } })
    try {
      const before = runs.get('blob10000')!
      await again.call('blob', { n: 10_000, tag: '7' }) // the newest: kept
      expect(runs.get('blob10000')).toBe(before)
      await again.call('blob', { n: 10_000, tag: '0' }) // the oldest: gone
      expect(runs.get('blob10000')).toBe(before + 1)
    } finally {
      await again.close()
    }
  })
})

const available = await redisAvailable('the Redis result cache size limit')

describe.skipIf(!available)('cache_max_entry_bytes on Redis', () => {
  it('sends no entry over it to Redis, and keeps the ones under it there', async () => {
    const prefix = uniquePrefix('cache-limit')
    const t = await createTestServer({ actions: sources }, { redis_url: REDIS_URL, redis_prefix: prefix, workers: 0, cache_max_entry_bytes: 2048 })
    const redis = new Redis(REDIS_URL)
    try {
      await t.fetch('/actions/blob?n=4002')
      expect(await redis.keys(`${prefix}:cache:*`)).toEqual([])
      const again = await t.fetch('/actions/blob?n=4002')
      expect(again.headers.get('x-cache')).toBe('MISS')
      expect(runs.get('blob4002')).toBe(2)
      await t.fetch('/actions/blob?n=1002')
      expect(await redis.keys(`${prefix}:cache:*`)).toHaveLength(1)
    } finally {
      await t.close()
      redis.disconnect()
      await deleteKeys(prefix)
    }
  })
})
