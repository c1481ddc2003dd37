import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
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
