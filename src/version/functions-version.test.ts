import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { base58btc } from 'multiformats/bases/base58'
import { functionsVersion } from './functions-version.ts'

const dir = mkdtempSync(join(tmpdir(), 'serval-version-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'a.ts'), 'export const a = 1\n')

describe('functionsVersion', () => {
  it('runtime: a sha2-256 multihash in base58btc that changes with the source', () => {
    const v1 = functionsVersion({ mode: 'runtime', files: ['a.ts'], cwd: dir })
    const bytes = base58btc.decode(v1)
    expect([bytes[0], bytes[1], bytes.length]).toEqual([0x12, 32, 34])
    expect(functionsVersion({ mode: 'runtime', files: ['a.ts'], cwd: dir })).toBe(v1)
    writeFileSync(join(dir, 'a.ts'), 'export const a = 2\n')
    expect(functionsVersion({ mode: 'runtime', files: ['a.ts'], cwd: dir })).not.toBe(v1)
  })

  it('git: the commit as a sha1 multihash, decodable back to the commit', () => {
    execFileSync('git', ['init', '-q'], { cwd: dir })
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'x'], { cwd: dir })
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim()
    const bytes = base58btc.decode(functionsVersion({ mode: 'git', files: [], cwd: dir }))
    expect(bytes[0]).toBe(0x11)
    expect(Buffer.from(bytes.slice(2)).toString('hex')).toBe(commit)
  })

  it('manual: as given, and required', () => {
    expect(functionsVersion({ mode: 'manual', files: [], cwd: dir, manual: 'zAbc' })).toBe('zAbc')
    expect(() => functionsVersion({ mode: 'manual', files: [], cwd: dir })).toThrow(/functions_version/)
    expect(() => functionsVersion({ mode: 'git', files: [], cwd: tmpdir() })).toThrow(/git/)
  })
})
