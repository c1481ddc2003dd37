import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { recordingFs } from '../../../test/support/journal-fs.ts'
import { Journal, type JournalOptions } from './journal.ts'

let dir: string
let path: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-journal-'))
  path = join(dir, 'journal.ndjson')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Opens the journal at `path` and collects what it replayed. */
function open(options: Partial<JournalOptions> = {}) {
  const records: unknown[] = []
  const opened = Journal.open(path, { snapshot: () => [], onRecord: (r) => records.push(r), ...options })
  return { ...opened, records }
}

describe('Journal', () => {
  it('keeps records across reopen, in order', async () => {
    const { journal } = open()
    await journal.commit({ n: 1 })
    journal.append({ n: 2 })
    await journal.commit({ n: 3 })
    await journal.close()
    expect(open().records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  it('resolves a commit only after its write was followed by an fdatasync', async () => {
    const fs = recordingFs()
    const { journal } = open({ fs })
    for (let n = 0; n < 5; n++) {
      await journal.commit({ n })
      expect(fs.events.some((e) => e.call === 'write')).toBe(true)
      expect(fs.unsynced()).toBe(false)
    }
    await journal.close()
  })

  it('group commit: a burst of commits shares fewer syncs than commits, each durable before it resolves', async () => {
    const fs = recordingFs()
    const { journal } = open({ fs })
    const unsyncedAtResolve: boolean[] = []
    await Promise.all(Array.from({ length: 100 }, (_, n) => journal.commit({ n }).then(() => unsyncedAtResolve.push(fs.unsynced()))))
    expect(unsyncedAtResolve).toEqual(Array(100).fill(false))
    const syncs = fs.events.filter((e) => e.call === 'datasync').length
    expect(syncs).toBeGreaterThanOrEqual(1)
    expect(syncs).toBeLessThan(10)
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(100)
    await journal.close()
  })

  it('a write cut short by a full disk leaves no half line: the next record is whole, and the rejected one never comes back', async () => {
    const fs = recordingFs()
    const { journal } = open({ fs })
    await journal.commit({ n: 1, pad: 'x'.repeat(100) })
    fs.failWrite(1)
    await expect(journal.commit({ n: 2, pad: 'y'.repeat(100) })).rejects.toThrow(/ENOSPC/)
    await journal.commit({ n: 3 })
    await journal.close()
    expect(open().records).toEqual([{ n: 1, pad: 'x'.repeat(100) }, { n: 3 }])
  })

  it('a failed sync drops its records and refuses writes until the journal is reopened', async () => {
    const fs = recordingFs()
    const { journal } = open({ fs })
    await journal.commit({ n: 1 })
    fs.failSync()
    await expect(journal.commit({ n: 2 })).rejects.toThrow(/EIO/)
    await expect(journal.commit({ n: 3 })).rejects.toThrow(/reopen/)
    await journal.close()
    const reopened = open()
    expect(reopened.records).toEqual([{ n: 1 }])
    await reopened.journal.commit({ n: 4 })
    await reopened.journal.close()
    expect(open().records).toEqual([{ n: 1 }, { n: 4 }])
  })

  it('refuses to write once another process replaced the file (a lock that was not respected)', async () => {
    const { journal } = open()
    await journal.commit({ n: 1 })
    writeFileSync(`${path}.other`, '{"n":"theirs"}\n')
    rmSync(path)
    writeFileSync(path, readFileSync(`${path}.other`))
    await expect(journal.commit({ n: 2 })).rejects.toThrow(/replaced or removed by another process/)
    await journal.close()
    expect(readFileSync(path, 'utf8')).toBe('{"n":"theirs"}\n')
  })

  it('drops a torn last line (a write cut by a crash) and appends after the last good one', async () => {
    writeFileSync(path, '{"n":1}\n{"n":2}\n{"n":')
    const { journal, records } = open()
    expect(records).toEqual([{ n: 1 }, { n: 2 }])
    await journal.commit({ n: 3 })
    await journal.close()
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n')
  })

  it('skips (and counts) an unreadable line in the middle', () => {
    writeFileSync(path, '{"n":1}\nnot json\n{"n":2}\n')
    const { records, skipped } = open()
    expect(records).toEqual([{ n: 1 }, { n: 2 }])
    expect(skipped).toBe(1)
  })

  it('replays as a stream of small reads; lines and UTF-8 characters cut by a chunk boundary are read whole', () => {
    const lines = Array.from({ length: 50 }, (_, n) => ({ n, text: 'é€😀'.repeat(n % 7), long: n === 10 ? 'z'.repeat(300) : '' }))
    writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"torn":`)
    const fs = recordingFs()
    const { records, journal } = open({ fs, chunkBytes: 7 })
    expect(records).toEqual(lines)
    expect(Math.max(...fs.events.filter((e) => e.call === 'read').map((e) => e.bytes))).toBeLessThanOrEqual(7)
    expect(statSync(path).size).toBe(Buffer.byteLength(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`))
    return journal.close()
  })

  it('compacts to a snapshot of the live state once it outgrows it', async () => {
    const live = new Map<number, object>()
    const { journal } = open({ snapshot: () => [...live.values()], policy: { minBytes: 2000, ratio: 2 } })
    for (let n = 0; n < 300; n++) {
      live.set(n % 5, { n, pad: 'x'.repeat(20) })
      await journal.commit({ n, pad: 'x'.repeat(20) })
    }
    expect(statSync(path).size).toBeLessThan(4500)
    await journal.close()
    const records = open().records as { n: number }[]
    // Whatever was compacted, the last five writes are there, and the file is far below 300 records.
    expect(records.length).toBeLessThan(150)
    expect(records.map((r) => r.n)).toEqual(expect.arrayContaining([295, 296, 297, 298, 299]))
  })

  it('stays bounded over 30 restarts with no live records (the threshold follows the live data, not the size at open)', async () => {
    for (let restart = 0; restart < 30; restart++) {
      const { journal } = open({ policy: { minBytes: 4096, ratio: 2 } })
      for (let n = 0; n < 40; n++) await journal.commit({ restart, n, pad: 'x'.repeat(40) })
      await journal.close()
    }
    expect(statSync(path).size).toBeLessThan(4096 + 40 * 80)
  })

  it('compacts off the event loop: the snapshot is written in pieces, with the loop running between them', async () => {
    const fs = recordingFs()
    const big = Array.from({ length: 40 }, (_, n) => ({ n, pad: 'p'.repeat(100_000) }))
    writeFileSync(path, Array.from({ length: 20 }, (_, n) => `{"n":${n},"pad":"${'x'.repeat(100)}"}\n`).join(''))
    const { journal } = open({ fs, snapshot: () => big, policy: { minBytes: 1000, ratio: 2 } })
    let ticks = 0
    let ticking = true
    const tick = () => {
      ticks++
      if (ticking) setImmediate(tick)
    }
    setImmediate(tick)
    const seen: number[] = []
    const writeAt = fs.writeAt
    fs.writeAt = async (...args) => (seen.push(ticks), writeAt(...args))
    await journal.commit({ n: 'last' })
    ticking = false
    expect(seen.length).toBeGreaterThan(1)
    expect(seen[seen.length - 1]).toBeGreaterThan(seen[0]!)
    expect(fs.events.some((e) => e.call === 'rename')).toBe(true)
    await journal.close()
    expect(open().records).toHaveLength(40)
  })

  it('removes a half-written compaction left by a crash, keeping the journal', () => {
    writeFileSync(path, '{"n":1}\n')
    writeFileSync(`${path}.tmp`, '{"n":')
    expect(open().records).toEqual([{ n: 1 }])
    expect(existsSync(`${path}.tmp`)).toBe(false)
  })

  it('refuses appends after close and leaves the file as it was', async () => {
    const { journal } = open()
    await journal.commit({ n: 1 })
    await journal.close()
    const before = readFileSync(path, 'utf8')
    expect(() => journal.append({ n: 2 })).toThrow(/closed/)
    expect(() => journal.commit({ n: 3 })).toThrow(/closed/)
    expect(readFileSync(path, 'utf8')).toBe(before)
    expect(before).toBe('{"n":1}\n')
  })
})

describe('Journal failures and close', () => {
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })

  it('reports a failed write to onError, with the error the commit rejects with', async () => {
    const fs = recordingFs()
    const { journal } = open({ fs })
    const reported: unknown[] = []
    journal.onError = (error) => reported.push(error)
    fs.failWrite(1)
    const failed = await journal.commit({ n: 1 }).catch((error: unknown) => error)
    expect(failed).toMatchObject({ code: 'ENOSPC' })
    expect(reported).toEqual([failed])
    await journal.close()
  })

  it('names the failed sync in the error that refuses later writes', async () => {
    const fs = recordingFs()
    const { journal } = open({ fs })
    fs.failSync()
    await expect(journal.commit({ n: 1 })).rejects.toThrow(/EIO/)
    await expect(journal.commit({ n: 2 })).rejects.toThrow('the job journal could not be synced (EIO: i/o error, fdatasync); reopen it')
    await journal.close()
  })

  it('refuses writes until reopened when a failed write cannot be cut back either (the file may hold half a line)', async () => {
    const fs = recordingFs()
    const { journal } = open({ fs })
    await journal.commit({ n: 1 })
    fs.failWrite(1)
    fs.truncate = () => {
      throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' })
    }
    await expect(journal.commit({ n: 2 })).rejects.toThrow(/ENOSPC/)
    await expect(journal.commit({ n: 3 })).rejects.toThrow(/could not be synced \(ENOSPC.*reopen it/)
    await journal.close()
    expect(readFileSync(path, 'utf8').startsWith('{"n":1}\n')).toBe(true)
    expect(readFileSync(path, 'utf8')).not.toContain('"n":3')
  })

  it('a compaction that cannot be written leaves the journal as it was, removes its temp file, and appends the records instead', async () => {
    const fs = recordingFs()
    writeFileSync(path, Array.from({ length: 20 }, (_, n) => `{"old":${n},"pad":"${'x'.repeat(100)}"}\n`).join(''))
    const { journal } = open({ fs, snapshot: () => [{ live: true }], policy: { minBytes: 1000, ratio: 2 } })
    const reported: unknown[] = []
    journal.onError = (error) => reported.push(error)
    fs.writeAt = async () => {
      throw enospc()
    }
    await journal.commit({ n: 'new' })
    expect(reported).toMatchObject([{ code: 'ENOSPC' }])
    expect(existsSync(`${path}.tmp`)).toBe(false)
    expect(fs.events.some((e) => e.call === 'rename')).toBe(false)
    await journal.close()
    const records = open().records
    expect(records).toHaveLength(21)
    expect(records[20]).toEqual({ n: 'new' })
  })

  it('a compaction syncs the snapshot before it replaces the journal, and syncs the directory after', async () => {
    const fs = recordingFs()
    const calls: string[] = []
    const syncDir = fs.syncDir
    fs.syncDir = async (d) => {
      await syncDir(d)
      calls.push(`syncDir ${d}`)
    }
    writeFileSync(path, Array.from({ length: 20 }, (_, n) => `{"old":${n},"pad":"${'x'.repeat(100)}"}\n`).join(''))
    const { journal } = open({ fs, snapshot: () => [{ live: 1 }, { live: 2 }], policy: { minBytes: 1000, ratio: 2 } })
    await journal.commit({ n: 'new' })
    const order = fs.events.filter((e) => e.call === 'fsync' || e.call === 'rename').map((e) => e.call)
    expect(order).toEqual(['fsync', 'rename'])
    expect(calls).toEqual([`syncDir ${dir}`])
    expect(readFileSync(path, 'utf8')).toBe('{"live":1}\n{"live":2}\n')
    await journal.commit({ n: 'after' }) // the new file is the journal now (not "replaced by another process")
    await journal.close()
    expect(open().records).toEqual([{ live: 1 }, { live: 2 }, { n: 'after' }])
  })

  it('refuses writes until reopened when the directory cannot be synced after a compaction', async () => {
    const fs = recordingFs()
    fs.syncDir = async () => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })
    }
    writeFileSync(path, Array.from({ length: 20 }, (_, n) => `{"old":${n},"pad":"${'x'.repeat(100)}"}\n`).join(''))
    const { journal } = open({ fs, snapshot: () => [{ live: 1 }], policy: { minBytes: 1000, ratio: 2 } })
    await expect(journal.commit({ n: 'new' })).rejects.toThrow(/EIO/)
    await expect(journal.commit({ n: 'next' })).rejects.toThrow("the job journal's directory could not be synced (EIO: i/o error, fsync); reopen it")
    await journal.close()
  })

  it('close waits for a sync in flight: the commit resolves and its record is kept', async () => {
    const fs = recordingFs()
    let release!: () => void
    const syncing = new Promise<void>((resolve) => (release = resolve))
    let started!: () => void
    const inSync = new Promise<void>((resolve) => (started = resolve))
    const datasync = fs.datasync
    fs.datasync = async (fd) => {
      started()
      await syncing
      return datasync(fd)
    }
    const { journal } = open({ fs })
    const committed = journal.commit({ n: 1 })
    await inSync
    const closed = journal.close()
    release()
    await Promise.all([committed, closed])
    expect(open().records).toEqual([{ n: 1 }])
  })

  it('close writes what was only appended, and closing twice is harmless', async () => {
    const { journal } = open()
    journal.append({ n: 1 })
    await journal.close()
    await journal.close()
    expect(open().records).toEqual([{ n: 1 }])
  })

  it('a record appended while a write is in flight is written and synced by itself once that write ends (no later commit needed)', async () => {
    const fs = recordingFs()
    const syncs: (() => void)[] = []
    const datasync = fs.datasync
    fs.datasync = async (fd) => {
      await datasync(fd)
      syncs.shift()?.()
    }
    const secondSync = new Promise<void>((resolve) => syncs.push(() => undefined, resolve))
    const { journal } = open({ fs })
    const first = journal.commit({ n: 1 })
    await new Promise((resolve) => setImmediate(resolve)) // the first write has begun
    journal.append({ n: 2 })
    await first
    await secondSync
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n')
    await journal.close()
  })

  it('leaves no file open when replaying it fails', () => {
    writeFileSync(path, '{"n":1}\n')
    const fds = readdirSync('/proc/self/fd').length
    expect(() => open({ onRecord: () => { throw new Error('bad record') } })).toThrow('bad record')
    expect(readdirSync('/proc/self/fd')).toHaveLength(fds)
    expect(open().records).toEqual([{ n: 1 }])
  })

  it('refuses to write once the file was removed under it', async () => {
    const { journal } = open()
    await journal.commit({ n: 1 })
    rmSync(path)
    await expect(journal.commit({ n: 2 })).rejects.toThrow(/replaced or removed by another process/)
    await journal.close()
  })

  it('appends the records when the snapshot itself cannot be made, leaving no temp file', async () => {
    writeFileSync(path, Array.from({ length: 20 }, (_, n) => `{"old":${n},"pad":"${'x'.repeat(100)}"}\n`).join(''))
    const { journal } = open({ snapshot: () => { throw new Error('no snapshot') }, policy: { minBytes: 1000, ratio: 2 } })
    await journal.commit({ n: 'new' })
    await journal.close()
    expect(existsSync(`${path}.tmp`)).toBe(false)
    expect(open().records).toHaveLength(21)
  })

  it('a compaction leaves no file open', async () => {
    writeFileSync(path, Array.from({ length: 20 }, (_, n) => `{"old":${n},"pad":"${'x'.repeat(100)}"}\n`).join(''))
    const { journal } = open({ snapshot: () => [{ live: 1 }], policy: { minBytes: 1000, ratio: 2 } })
    const fds = readdirSync('/proc/self/fd').length
    await journal.commit({ n: 'new' })
    expect(readFileSync(path, 'utf8')).toBe('{"live":1}\n')
    expect(readdirSync('/proc/self/fd')).toHaveLength(fds)
    await journal.close()
  })

  it('reads a blank line as nothing (not as an unreadable record)', () => {
    writeFileSync(path, '{"n":1}\n\n{"n":2}\n')
    expect(open()).toMatchObject({ records: [{ n: 1 }, { n: 2 }], skipped: 0 })
  })
})

