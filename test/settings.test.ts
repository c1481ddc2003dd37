import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { settingDefs, type SettingDef } from '../src/config/definitions.ts'
import { envName, flagName } from '../src/config/index.ts'
import { main } from '../src/cli/main.ts'
import { runCli } from './support/cli.ts'

/**
 * Every setting refuses a bad value with exit 2 and a message naming it.
 * The cases come from the settings table; each asserts its own name.
 */

type Case = { setting: string; value: string; why: string }

/** Text a setting of this kind refuses (none for list, and for a string without a check or a minimum: any text is one). */
function badTexts(def: SettingDef): { value: string; why: string }[] {
  switch (def.kind) {
    case 'int':
    case 'bytes': {
      const out = [{ value: def.kind === 'int' ? '1.5x' : 'lots', why: 'not a number' }]
      if (def.min !== undefined) out.push({ value: String(def.min - 1), why: 'below its minimum' })
      if (def.max !== undefined) out.push({ value: String(def.max + 1), why: 'above its maximum' })
      return out
    }
    case 'bool':
      return [{ value: 'perhaps', why: 'not a boolean' }]
    case 'enum':
      return [{ value: 'no-such-value', why: 'not one of its values' }]
    case 'url':
      return [{ value: 'not a url', why: 'not an absolute URL' }]
    case 'proxy':
      return [{ value: 'proxy.internal', why: 'not a boolean, hop count, address or CIDR' }]
    case 'mounts':
      return [{ value: '{not json', why: 'not a JSON list of mounts' }]
    case 'string': {
      // Any text is a string; a string with a check or a minimum length refuses some.
      const out: { value: string; why: string }[] = []
      if (def.check) out.push({ value: 'not?valid here', why: 'fails its check' })
      if (def.min !== undefined && def.min > 1) out.push({ value: 'x'.repeat(def.min - 1), why: 'shorter than its minimum' })
      return out
    }
    default:
      return []
  }
}

const defs = Object.entries(settingDefs) as [keyof typeof settingDefs, SettingDef][]
const TEXT_CASES: Case[] = defs.flatMap(([setting, def]) => badTexts(def).map((b) => ({ setting, ...b })))

/** Runs `serval config` in-process and captures what it wrote to stderr. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = ''
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true))
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  try {
    return { code: await main(args), stderr }
  } finally {
    err.mockRestore()
    out.mockRestore()
  }
}

let dir: string
const cwd = process.cwd()
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-settings-'))
  process.chdir(dir) // no .env or config file of the repository's is read
})
afterAll(() => {
  process.chdir(cwd)
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => {
  rmSync(join(dir, 'serval.config.json'), { force: true })
  for (const [name] of defs) delete process.env[envName(name)]
})

describe('the bad-value cases', () => {
  it('cover every setting in the table, through a config file, and every kind that parses text, through flags', () => {
    expect(defs.map(([n]) => n)).toEqual(Object.keys(settingDefs))
    const checked = (d: SettingDef) => d.kind === 'string' && (d.check !== undefined || (d.min ?? 0) > 1)
    const parsed = defs.filter(([, d]) => !['string', 'list'].includes(d.kind) || checked(d)).map(([n]) => n)
    expect(parsed).toEqual(expect.arrayContaining(['login_path', 'session_secret', 'git_commit', 'functions_version']))
    expect([...new Set(TEXT_CASES.map((c) => c.setting))].sort()).toEqual(parsed.sort())
  })
})

describe.each(TEXT_CASES)('$setting=$value ($why)', ({ setting, value }) => {
  const name = setting as keyof typeof settingDefs
  it(`as a flag: exit 2 naming ${flagName(name)}`, async () => {
    const res = await cli(['config', `${flagName(name)}=${value}`])
    expect(res.code).toBe(2)
    expect(res.stderr.startsWith(`serval: ${flagName(name)}: must `)).toBe(true)
    expect(res.stderr.endsWith(`, got ${JSON.stringify(value)} (setting ${name}, from flag ${flagName(name)})\n`)).toBe(true)
  })

  it(`as an environment variable: exit 2 naming ${envName(name)}`, async () => {
    process.env[envName(name)] = value
    const res = await cli(['config'])
    expect(res.code).toBe(2)
    expect(res.stderr.startsWith(`serval: ${envName(name)}: must `)).toBe(true)
  })
})

describe.each(defs.map(([setting]) => ({ setting })))('$setting in serval.config.json', ({ setting }) => {
  it(`an object where a ${settingDefs[setting].kind} belongs: exit 2 naming serval.config.json:${setting}`, async () => {
    writeFileSync(join(dir, 'serval.config.json'), JSON.stringify({ [setting]: { not: 'a value' } }))
    const res = await cli(['config'])
    expect(res.code).toBe(2)
    expect(res.stderr.startsWith(`serval: serval.config.json:${setting}: must `)).toBe(true)
  })
})

describe('a real serval process', () => {
  it('exits 2 naming a bad flag, with no stack trace', async () => {
    const res = await runCli(['config', '--port', 'eighty'], { cwd: dir })
    expect(res).toMatchObject({ code: 2, stderr: 'serval: --port: must be an integer from 0 to 65535, got "eighty" (setting port, from flag --port)\n' })
  })

  it('exits 2 naming a bad variable', async () => {
    const res = await runCli(['config'], { cwd: dir, env: { SERVAL_DEV_MODE: 'perhaps' } })
    expect(res).toMatchObject({ code: 2, stderr: 'serval: SERVAL_DEV_MODE: must be true or false, got "perhaps" (setting dev_mode, from env SERVAL_DEV_MODE)\n' })
  })

  it('exits 2 naming a bad config key', async () => {
    writeFileSync(join(dir, 'serval.config.json'), '{"data_dir": ["a"]}')
    const res = await runCli(['config'], { cwd: dir })
    expect(res).toMatchObject({ code: 2, stderr: 'serval: serval.config.json:data_dir: must be text, got ["a"] (setting data_dir, from file serval.config.json:data_dir)\n' })
  })
})
