import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { action, createApp, jobsOf, loadSettings, SettingsError } from 'serval'
import { createTestServer } from 'serval/testing'
import { bearer, hs256, SECRET } from '../security/support.ts'
import { ran, runs } from './support.ts'

const mine = action({ name: 'mine', http: 'GET', cache: { ttl: 60 } }, (_input, ctx) => ({ sub: ctx.auth?.sub ?? null, run: ran('mine') }))
const shared = action({ name: 'shared', http: 'GET', cache: { ttl: 60, scope: 'public' } }, () => ({ run: ran('shared') }))
const square = action({ name: 'square', cache: { ttl: 60 } }, (input: { n?: number }) => ({ n: (input.n ?? 0) ** 2, run: ran('square') }))
const when = action({ name: 'when', cache: { ttl: 60 } }, (input: { at: Date }) => ({ year: input.at.getUTCFullYear(), run: ran('when') }))
const size = action({ name: 'size', cache: { ttl: 60 } }, (input: { file: Blob }) => ({ size: input.file.size, run: ran('size') }))
const sources = [mine, shared, square, when, size].map((a) => ({ action: a, exportName: a.def.name! }))
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('private entries never cross principals', () => {
  it('defaults to private under auth, keys by sub, and says so in Cache-Control', async () => {
    const t = await createTestServer({ actions: sources }, { auth_mode: 'jwt', jwt_secret: SECRET })
    try {
      const alice = bearer(await hs256({ sub: 'alice' }))
      const bob = bearer(await hs256({ sub: 'bob' }))
      const a1 = await t.fetch('/actions/mine', { headers: alice })
      expect(a1.headers.get('cache-control')).toBe('private, max-age=60')
      expect(await a1.json()).toMatchObject({ sub: 'alice' })
      const b1 = await t.fetch('/actions/mine', { headers: bob })
      expect(b1.headers.get('x-cache')).toBe('MISS')
      expect(await b1.json()).toMatchObject({ sub: 'bob' })
      const a2 = await t.fetch('/actions/mine', { headers: alice })
      expect(a2.headers.get('x-cache')).toBe('HIT')
      expect(await a2.json()).toMatchObject({ sub: 'alice', run: 1 })
      // A public action is shared even under auth.
      await t.fetch('/actions/shared', { headers: alice })
      const s = await t.fetch('/actions/shared', { headers: bob })
      expect([s.headers.get('x-cache'), s.headers.get('cache-control')]).toEqual(['HIT', 'public, max-age=60'])
    } finally {
      await t.close()
    }
  })
})

describe('the cache is a pipeline step, not HTTP', () => {
  it('answers app.call (CLI, jobs, /ws and Lambda direct calls go the same way) from the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-cache-'))
    dirs.push(dir)
    const app = await createApp({ actions: sources, settings: { data_dir: dir, log_level: 'silent' } })
    try {
      const first = await app.call('square', { n: 3 })
      expect(await app.call('square', { n: 3 })).toEqual(first)
      expect(runs.get('square')).toBe(1)
    } finally {
      await app.close()
    }
  })

  it('answers a job run from the cache an HTTP call filled', async () => {
    const t = await createTestServer({ actions: sources })
    try {
      const before = runs.get('square') ?? 0
      const http = await (await t.fetch('/actions/square', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":12}' })).json()
      const jobs = jobsOf(t.app)
      const job = await jobs.submit(t.app.registry.get('square')!, { n: 12 }, { principal: null })
      const done = await jobs.wait(job.id, undefined, AbortSignal.timeout(5000))
      expect(done.status).toBe('succeeded')
      expect(done.output).toEqual(http)
      expect(runs.get('square')).toBe(before + 1)
    } finally {
      await t.close()
    }
  })

  it('keys a Date by its value and never caches an input with no JSON form (a File)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-cache-'))
    dirs.push(dir)
    const app = await createApp({ actions: sources, settings: { data_dir: dir, log_level: 'silent' } })
    try {
      expect(await app.call('when', { at: new Date('2001-01-01') })).toMatchObject({ year: 2001 })
      expect(await app.call('when', { at: new Date('2002-01-01') })).toMatchObject({ year: 2002 })
      expect(await app.call('when', { at: new Date('2001-01-01') })).toMatchObject({ year: 2001, run: 1 })
      expect(await app.call('size', { file: new Blob(['a']) })).toMatchObject({ size: 1 })
      expect(await app.call('size', { file: new Blob(['abc']) })).toMatchObject({ size: 3 })
      expect(runs.get('size')).toBe(2)
    } finally {
      await app.close()
    }
  })

  it('keeps unexpired entries in data_dir across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-cache-'))
    dirs.push(dir)
    const before = runs.get('square') ?? 0
    const first = await createApp({ actions: sources, settings: { data_dir: dir, log_level: 'silent' } })
    const out = await first.call('square', { n: 7 })
    await first.close()
    const second = await createApp({ actions: sources, settings: { data_dir: dir, log_level: 'silent' } })
    try {
      expect(await second.call('square', { n: 7 })).toEqual(out)
      expect(runs.get('square')).toBe(before + 1)
    } finally {
      await second.close()
    }
  })

  it('keys the functions version: a new version misses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serval-cache-'))
    dirs.push(dir)
    const settings = { data_dir: dir, log_level: 'silent' as const, version_mode: 'manual' as const }
    const v1 = await createApp({ actions: sources, settings: { ...settings, functions_version: 'zQmV1' } })
    await v1.call('square', { n: 9 })
    await v1.close()
    const before = runs.get('square')!
    const v2 = await createApp({ actions: sources, settings: { ...settings, functions_version: 'zQmV2' } })
    try {
      await v2.call('square', { n: 9 })
      expect(runs.get('square')).toBe(before + 1)
    } finally {
      await v2.close()
    }
  })
})

describe('bad cache options and settings', () => {
  it.each([
    [{ ttl: 0 }, 'cache.ttl must be a positive number'],
    [{ ttl: 'soon' }, 'cache.ttl must be a positive number'],
    [{ ttl: 5, scope: 'world' }, "cache.scope must be 'public' or 'private'"],
  ])('refuses %j at startup, naming the action', async (cache, message) => {
    const bad = action({ name: 'bad', cache: cache as never }, () => 1)
    await expect(createApp({ actions: [{ action: bad, exportName: 'bad' }] })).rejects.toThrow(`action "bad": ${message}`)
  })

  it('refuses cache on a streaming action', async () => {
    const stream = action({ name: 'ticks', cache: { ttl: 5 } }, async function* () {
      yield 1
    })
    await expect(createApp({ actions: [{ action: stream, exportName: 'ticks' }] })).rejects.toThrow('a streaming action cannot be cached')
  })

  it.each(['0', '-3', 'many'])('refuses cache_max_entries=%s', async (value) => {
    const error = await loadSettings({ env: { SERVAL_CACHE_MAX_ENTRIES: value }, filesOff: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect((error as Error).message).toContain('SERVAL_CACHE_MAX_ENTRIES')
  })
})
