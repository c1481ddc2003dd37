import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileSessionStore } from './session-store.ts'

let root: string
let dir: string
let now = 1_000_000
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'serval-sessions-'))
  dir = join(root, 'sessions')
  now = 1_000_000
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const record = (expiresAt: number) => ({ username: 'ada', createdAt: 1, expiresAt, touchedAt: 1 })

describe('FileSessionStore', () => {
  it('keeps a session until it expires, in files only the owner may read', async () => {
    const store = new FileSessionStore(dir, () => now)
    await store.put('k1', record(now + 1000))
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'k1.json')).mode & 0o777).toBe(0o600)
    expect(await store.get('k1')).toEqual(record(now + 1000))
    now += 1000
    expect(await store.get('k1')).toBeUndefined()
    expect(existsSync(join(dir, 'k1.json'))).toBe(false) // an expired session is removed when read
    expect(await store.get('never')).toBeUndefined()
    await store.close()
  })

  it('deletes a session, and sweeps the expired ones (only session files)', async () => {
    const store = new FileSessionStore(dir, () => now)
    await store.put('old', record(now + 10))
    await store.put('live', record(now + 10_000))
    await store.put('gone', record(now + 10_000))
    writeFileSync(join(dir, 'notes.txt'), 'not a session')
    await store.delete('gone')
    await store.delete('gone') // twice is fine
    now += 100
    await store.sweep()
    expect(existsSync(join(dir, 'old.json'))).toBe(false)
    expect(existsSync(join(dir, 'gone.json'))).toBe(false)
    expect(existsSync(join(dir, 'live.json'))).toBe(true)
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true)
    await store.close()
  })

  it('sweeps by itself once an hour, until closed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const store = new FileSessionStore(dir, () => now)
      const sweep = vi.spyOn(store, 'sweep')
      await store.put('old', record(now + 10))
      now += 100
      await vi.advanceTimersByTimeAsync(3_599_999)
      expect(sweep).not.toHaveBeenCalled()
      expect(existsSync(join(dir, 'old.json'))).toBe(true)
      await vi.advanceTimersByTimeAsync(1)
      expect(sweep).toHaveBeenCalledTimes(1)
      await sweep.mock.results[0]!.value
      expect(existsSync(join(dir, 'old.json'))).toBe(false)
      await store.close()
      await vi.advanceTimersByTimeAsync(3_600_000)
      expect(sweep).toHaveBeenCalledTimes(1)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a file that is not JSON is no session, and is removed (also by the sweep, which goes on)', async () => {
    const store = new FileSessionStore(dir, () => now)
    writeFileSync(join(dir, 'bad.json'), '{not json')
    expect(await store.get('bad')).toBeUndefined()
    expect(existsSync(join(dir, 'bad.json'))).toBe(false)
    writeFileSync(join(dir, 'bad.json'), '')
    await store.put('old', record(now + 10))
    now += 100
    await store.sweep()
    expect(existsSync(join(dir, 'bad.json'))).toBe(false)
    expect(existsSync(join(dir, 'old.json'))).toBe(false)
    await store.close()
  })
})
