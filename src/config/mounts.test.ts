import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadSettings } from './load.ts'

const load = (mounts: unknown) => loadSettings({ cli: { mounts: typeof mounts === 'string' ? mounts : JSON.stringify(mounts) }, filesOff: true, env: {} })
const billing = { name: 'billing', prefix: '/billing', dirs: ['billing'] }
const tmp = mkdtempSync(join(tmpdir(), 'serval-mounts-config-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('the mounts setting', () => {
  it('parses a list of mounts, from JSON text too', async () => {
    expect((await load([billing])).settings.mounts).toEqual([billing])
    expect((await load('')).settings.mounts).toEqual([])
  })

  it.each([
    [[{ ...billing, prefix: 'billing' }], 'mounts[0].prefix must be a path'],
    [[{ ...billing, prefix: '/billing/' }], 'mounts[0].prefix must be a path'],
    [[{ ...billing, prefix: '/_sys' }], 'mounts[0].prefix /_sys is a path of the root app'],
    [[{ ...billing, dirs: [] }], 'mounts[0].dirs must be a non-empty list'],
    [[{ ...billing, name: 'a b' }], 'mounts[0].name must be'],
    [[{ ...billing, auth_mode: 'basic' }], 'mounts[0].auth_mode must be one of'],
    [[{ ...billing, rate_limit: { max: -1 } }], 'mounts[0].rate_limit must be'],
    [[{ ...billing, extra: 1 }], 'mounts[0].extra unknown key'],
    [[billing, { ...billing, prefix: '/other' }], 'mounts[1].name duplicate name "billing"'],
    [[billing, { ...billing, name: 'eu', prefix: '/billing/eu' }], 'mounts[1].prefix /billing/eu overlaps /billing'],
    ['{not json', 'must be a JSON list of mounts'],
    [{ name: 'x' }, 'must be a list of mounts'],
  ])('refuses %j, naming the setting', async (mounts, message) => {
    const error = await load(mounts).then(() => undefined, (e: Error) => e)
    expect(error?.name).toBe('SettingsError')
    expect(error?.message).toContain('--mounts')
    expect(error?.message).toContain(message)
  })

  it('reads the config file of the first function dir when the working directory has none; its mount dirs are relative to it', async () => {
    mkdirSync(join(tmp, 'fns'))
    writeFileSync(join(tmp, 'fns', 'serval.config.yaml'), 'mounts:\n  - { name: billing, prefix: /billing, dirs: [billing] }\n')
    const { settings, sources } = await loadSettings({ cwd: tmp, configDirs: ['fns'], env: {} })
    expect(settings.mounts[0]?.dirs).toEqual([join(tmp, 'fns', 'billing')])
    expect(sources.mounts).toBe('file fns/serval.config.yaml:mounts')
  })

  it('names the file and key of a bad mount in a config file', async () => {
    writeFileSync(join(tmp, 'serval.config.json'), JSON.stringify({ mounts: [billing, billing] }))
    const error = await loadSettings({ cwd: tmp, env: {} }).then(() => undefined, (e: Error) => e)
    expect(error?.message).toContain('serval.config.json:mounts')
    expect(error?.message).toContain('mounts[1].name duplicate')
  })
})
