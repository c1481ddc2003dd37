import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { base58btc } from 'multiformats/bases/base58'
import { loadSettings } from '../config/load.ts'
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

  it('runtime: changes when a package the action files import is upgraded, with no lock file to say so', () => {
    const pkg = join(dir, 'node_modules', 'left-pad-ish')
    mkdirSync(pkg, { recursive: true })
    writeFileSync(join(dir, 'b.ts'), "import { pad } from 'left-pad-ish'\nimport { readFileSync } from 'node:fs'\nexport const b = pad\n")
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'left-pad-ish', version: '1.0.0' }))
    const v1 = functionsVersion({ mode: 'runtime', files: ['b.ts'], cwd: dir })
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'left-pad-ish', version: '1.0.1' }))
    expect(functionsVersion({ mode: 'runtime', files: ['b.ts'], cwd: dir })).not.toBe(v1)
  })

  it('git: git_commit stands in for git (a build without .git), sha256 repositories included', () => {
    const sha1 = 'a'.repeat(40)
    expect(Buffer.from(base58btc.decode(functionsVersion({ mode: 'git', files: [], cwd: tmpdir(), commit: sha1 })).slice(2)).toString('hex')).toBe(sha1)
    expect(base58btc.decode(functionsVersion({ mode: 'git', files: [], cwd: tmpdir(), commit: 'b'.repeat(64) }))[0]).toBe(0x12)
  })

  it('refuses, as a settings error naming the setting, a functions_version that is no multihash and a git_commit that is no commit', async () => {
    const load = (cli: Record<string, unknown>) => loadSettings({ cli, filesOff: true, env: {} })
    const good = 'zQmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG'
    await expect(load({ functions_version: good })).resolves.toBeDefined()
    for (const bad of ['v1.2.3', 'zQmShort', 'z' + '1'.repeat(10)]) await expect(load({ functions_version: bad }), bad).rejects.toMatchObject({ name: 'SettingsError', message: expect.stringMatching(/functions[-_]version/) })
    await expect(load({ git_commit: 'main' })).rejects.toMatchObject({ name: 'SettingsError', message: expect.stringMatching(/git[-_]commit/) })
    await expect(load({ git_commit: 'A'.repeat(40) })).resolves.toBeDefined()
  })
})
