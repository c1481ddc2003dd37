import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { acquireLock, isLockedError } from './lock.ts'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'serval-lock-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('acquireLock', () => {
  it('holds the lock with this pid and releases it', () => {
    const path = join(dir, 'lock')
    const release = acquireLock(path)
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid))
    expect(() => acquireLock(path)).toThrow(/in use by process/)
    release()
    expect(existsSync(path)).toBe(false)
  })

  it('refuses a lock held by another live process, naming it', () => {
    const path = join(dir, 'lock')
    writeFileSync(path, String(process.ppid))
    let error: unknown
    try {
      acquireLock(path)
    } catch (e) {
      error = e
    }
    expect(isLockedError(error)).toBe(true)
    expect(String((error as Error).message)).toContain(String(process.ppid))
  })

  it('takes over a lock left by a dead process (kill -9)', () => {
    const path = join(dir, 'lock')
    writeFileSync(path, '999999999')
    const release = acquireLock(path)
    expect(readFileSync(path, 'utf8')).toBe(String(process.pid))
    release()
  })
})
