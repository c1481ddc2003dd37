import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './support/cli.ts'
import { runServal } from './support/serval-process.ts'
import { settingsFromFlags } from '../src/cli/options.ts'

const FIXTURES = join(ROOT, 'test/fixtures/jobs')
const dir = mkdtempSync(join(tmpdir(), 'serval-cli-jobs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const run = (args: string[]) => runServal(['run', ...args, FIXTURES, '--data-dir', dir])

describe('serval run NAME --job', () => {
  it('prints status and progress on stderr and the output on stdout', async () => {
    const res = await run(['slowCount', '--job', '--input', '{"steps":2,"delayMs":5}'])
    expect(res.code).toBe(0)
    expect(JSON.parse(res.stdout)).toMatchObject({ steps: 2 })
    expect(res.stderr).toMatch(/job [0-9a-f-]{36} queued/)
    expect(res.stderr).toContain('running')
    expect(res.stderr).toMatch(/100% step 2/)
    expect(res.stderr).toContain('succeeded')
    // Not a terminal: one plain line per change, no bar redrawn with \r or escape codes.
    expect(res.stderr).toMatch(/^serval: running +\d+% step 1$/m)
    expect(res.stderr).not.toMatch(/[\r\x1b█]/)
  })

  it('prints a stream as NDJSON, with or without --job', async () => {
    for (const flags of [[], ['--job']]) {
      const res = await run(['letters', ...flags, '--input', '{"word":"ab"}'])
      expect(res.code).toBe(0)
      expect(res.stdout).toBe('"a"\n"b"\n')
    }
  })

  it('exits 1 with the problem on stderr when the job fails', async () => {
    const res = await run(['refuse', '--job'])
    expect(res.code).toBe(1)
    expect(res.stdout).toBe('')
    expect(res.stderr).toContain('Refused on purpose')
  })

  it('exits 2 on bad input, before anything is queued', async () => {
    const res = await run(['slowCount', '--job', '--input', '{"steps":"two"}'])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('invalid-input')
    expect(res.stderr).not.toContain('queued')
  })
})

describe('serval worker', () => {
  it('needs redis_url (exit 2, naming the setting)', async () => {
    const res = await runServal(['worker', FIXTURES])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('redis_url')
  })

  it('fails fast when Redis does not answer', async () => {
    const res = await runServal(['worker', FIXTURES, '--redis-url', 'redis://127.0.0.1:1'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('Cannot reach Redis at redis://127.0.0.1:1')
  })
})

describe('serve --workers / --no-workers', () => {
  it('maps --no-workers to workers=0 and --workers N to N', () => {
    expect(settingsFromFlags({ workers: false })).toMatchObject({ workers: 0 })
    expect(settingsFromFlags({ workers: '8' })).toMatchObject({ workers: '8' })
    expect(settingsFromFlags({})).not.toHaveProperty('workers')
  })

  it('refuses a negative --workers, naming the flag (exit 2)', async () => {
    const res = await runServal(['serve', FIXTURES, '--workers', '-1', '--port', '0'])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('--workers')
  })
})
