import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Journal } from './journal.ts'

let dir: string
let path: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-journal-'))
  path = join(dir, 'journal.ndjson')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const none = () => []

describe('Journal', () => {
  it('keeps records across reopen, in order', async () => {
    const { journal } = Journal.open(path, none)
    await journal.append({ n: 1 }, true)
    journal.append({ n: 2 })
    await journal.append({ n: 3 }, true)
    await journal.close()
    expect(Journal.open(path, none).records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  it('writes a durable append before resolving it (group commit: one write for a burst)', async () => {
    const { journal } = Journal.open(path, none)
    await Promise.all(Array.from({ length: 100 }, (_, n) => journal.append({ n }, true)))
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(100)
    await journal.close()
  })

  it('drops a torn last line (a write cut by a crash) and appends after the last good one', async () => {
    writeFileSync(path, '{"n":1}\n{"n":2}\n{"n":')
    const { journal, records } = Journal.open(path, none)
    expect(records).toEqual([{ n: 1 }, { n: 2 }])
    await journal.append({ n: 3 }, true)
    await journal.close()
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n')
  })

  it('skips (and counts) an unreadable line in the middle', () => {
    writeFileSync(path, '{"n":1}\nnot json\n{"n":2}\n')
    const { records, skipped } = Journal.open(path, none)
    expect(records).toEqual([{ n: 1 }, { n: 2 }])
    expect(skipped).toBe(1)
  })

  it('compacts to a snapshot of the live state once it outgrows it', async () => {
    const live = new Map<number, object>()
    const { journal } = Journal.open(path, () => [...live.values()], { minBytes: 2000, ratio: 2 })
    for (let n = 0; n < 300; n++) {
      live.set(n % 5, { n, pad: 'x'.repeat(20) })
      await journal.append({ n, pad: 'x'.repeat(20) }, true)
    }
    expect(statSync(path).size).toBeLessThan(4500)
    await journal.close()
    const records = Journal.open(path, none).records as { n: number }[]
    // Whatever was compacted, the last five writes are there, and the file is far below 300 records.
    expect(records.length).toBeLessThan(150)
    expect(records.map((r) => r.n)).toEqual(expect.arrayContaining([295, 296, 297, 298, 299]))
  })

  it('removes a half-written compaction left by a crash, keeping the journal', () => {
    writeFileSync(path, '{"n":1}\n')
    writeFileSync(`${path}.tmp`, '{"n":')
    expect(Journal.open(path, none).records).toEqual([{ n: 1 }])
    expect(existsSync(`${path}.tmp`)).toBe(false)
  })

  it('refuses appends after close', async () => {
    const { journal } = Journal.open(path, none)
    await journal.close()
    expect(() => journal.append({ n: 1 })).toThrow(/closed/)
    appendFileSync(path, '') // the file is still there, untouched
  })
})
