import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Journal } from '../../src/jobs/embedded/journal.ts'

/** Torn-line recovery: a crash can cut the last write anywhere; reopening keeps every whole record. */

const dir = mkdtempSync(join(tmpdir(), 'serval-journal-prop-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0

const record = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })

describe('journal torn-line recovery (property)', () => {
  it('keeps exactly the whole records before a cut anywhere in the last line, and appends after them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 6 }), record, fc.double({ min: 0, max: 1, noNaN: true }), async (whole, torn, at) => {
        const path = join(dir, `j${n++}.ndjson`)
        const good = whole.map((r) => `${JSON.stringify(r)}\n`).join('')
        const last = JSON.stringify(torn)
        // A cut inside the last line: from nothing of it up to all of it but its newline.
        writeFileSync(path, good + last.slice(0, Math.floor(at * last.length)))
        const records: unknown[] = []
        const { journal } = Journal.open(path, { snapshot: () => [], onRecord: (r) => records.push(r) })
        expect(records).toEqual(whole.map((r) => JSON.parse(JSON.stringify(r))))
        await journal.commit({ after: true })
        await journal.close()
        expect(readFileSync(path, 'utf8')).toBe(`${good}{"after":true}\n`)
      }),
      { numRuns: 60 },
    )
  })
})
