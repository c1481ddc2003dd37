import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeWhole, writeWholeSync } from './write-whole.ts'

const dir = mkdtempSync(join(tmpdir(), 'serval-write-whole-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writeWhole', () => {
  it('lets concurrent writes of one file all succeed, the file holding one of them whole', async () => {
    const file = join(dir, 'same.json')
    const texts = Array.from({ length: 20 }, (_, i) => JSON.stringify({ i, pad: String(i).repeat(50_000) }))
    await Promise.all(texts.map((text) => writeWhole(file, text)))
    expect(texts).toContain(readFileSync(file, 'utf8'))
    expect(readdirSync(dir).filter((name) => name.startsWith('same.json.'))).toEqual([])
  })

  it('keeps the old content and no temporary file when the write fails', async () => {
    const file = join(dir, 'kept.json')
    writeFileSync(file, 'old')
    mkdirSync(join(dir, 'kept-as-dir.json'))
    // Renaming a file over a directory fails: the write must leave nothing behind.
    await expect(writeWhole(join(dir, 'kept-as-dir.json'), 'new')).rejects.toThrow()
    expect(() => writeWholeSync(join(dir, 'kept-as-dir.json'), 'new')).toThrow()
    expect(readFileSync(file, 'utf8')).toBe('old')
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('creates the file with the mode asked for, durable or not', async () => {
    await writeWhole(join(dir, 'secret.json'), '{}', { mode: 0o600, durable: true })
    writeWholeSync(join(dir, 'secret-sync.json'), '{}', { mode: 0o600 })
    expect(statSync(join(dir, 'secret.json')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'secret-sync.json')).mode & 0o777).toBe(0o600)
  })
})
