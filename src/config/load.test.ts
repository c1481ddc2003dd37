import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadSettings, SettingsError } from 'serval'
import { splitList } from './parse.ts'

const dirs: string[] = []
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'serval-config-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('settings', () => {
  it('uses the defaults when nothing is set', async () => {
    const { settings, sources } = await loadSettings({ cwd: project({}), env: {} })
    expect(settings).toMatchObject({ host: '127.0.0.1', port: 8000, data_dir: './.serval', dev_mode: false, version_mode: 'runtime', body_limit: 1048576 })
    expect(sources.port).toBe('default')
  })

  it('applies flag > env > .env > config file > default, and says where each came from', async () => {
    const cwd = project({
      'serval.config.json': JSON.stringify({ port: 1001, host: '0.0.0.0', log_level: 'debug', data_dir: '/from-file' }),
      '.env': 'SERVAL_PORT=1002\nSERVAL_HOST=10.0.0.1\nSERVAL_LOG_LEVEL=warn\n',
    })
    const { settings, sources } = await loadSettings({ cwd, env: { SERVAL_PORT: '1003', SERVAL_HOST: '::1' }, cli: { port: '1004' } })
    expect(settings.port).toBe(1004)
    expect(sources.port).toBe('flag --port')
    expect(settings.host).toBe('::1')
    expect(sources.host).toBe('env SERVAL_HOST')
    expect(settings.log_level).toBe('warn')
    expect(sources.log_level).toBe('.env SERVAL_LOG_LEVEL')
    expect(settings.data_dir).toBe('/from-file')
    expect(sources.data_dir).toBe('file serval.config.json:data_dir')
  })

  it('reads YAML and TypeScript config files', async () => {
    const yaml = await loadSettings({ cwd: project({ 'serval.config.yaml': 'port: 1234\ncors_allowed_origins: [https://a.example]\n' }), env: {} })
    expect(yaml.settings.port).toBe(1234)
    expect(yaml.settings.cors_allowed_origins).toEqual(['https://a.example'])
    const ts = await loadSettings({ cwd: project({ 'serval.config.ts': 'export default { port: 4321 as number, dev_mode: true }\n' }), env: {} })
    expect(ts.settings).toMatchObject({ port: 4321, dev_mode: true })
  })

  it('parses lists, booleans and sizes from text', async () => {
    const { settings } = await loadSettings({
      filesOff: true,
      env: { SERVAL_FUNCTION_DIRS: '"example, foo",parent/bar', SERVAL_DEV_MODE: 'yes', SERVAL_BODY_LIMIT: '2mb' },
    })
    expect(settings.function_dirs).toEqual(['example, foo', 'parent/bar'])
    expect(settings.dev_mode).toBe(true)
    expect(settings.body_limit).toBe(2 * 1024 * 1024)
    expect(splitList('a,"b ""c""",,d')).toEqual(['a', 'b "c"', 'd'])
  })

  it.each([
    [{ env: { SERVAL_PORT: 'eighty' } }, 'SERVAL_PORT'],
    [{ env: { SERVAL_PORT: '70000' } }, 'SERVAL_PORT'],
    [{ env: { SERVAL_LOG_LEVEL: 'loud' } }, 'SERVAL_LOG_LEVEL'],
    [{ env: { SERVAL_DEV_MODE: 'perhaps' } }, 'SERVAL_DEV_MODE'],
    [{ env: { SERVAL_PUBLIC_BASE_URL: 'not a url' } }, 'SERVAL_PUBLIC_BASE_URL'],
    [{ env: {}, cli: { body_limit: 'lots' } }, '--body-limit'],
    [{ env: {}, cli: { version_mode: 'svn' } }, '--version-mode'],
  ])('rejects a bad value naming where it came from (%j)', async (options, origin) => {
    const error = await loadSettings({ filesOff: true, ...options }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect((error as SettingsError).message).toContain(origin)
  })

  it('rejects unknown keys and bad values in the config file, naming the key', async () => {
    const unknown = await loadSettings({ cwd: project({ 'serval.config.json': '{"prot": 1}' }), env: {} }).catch((e: Error) => e)
    expect(unknown).toBeInstanceOf(SettingsError)
    expect(String(unknown)).toContain('serval.config.json:prot')
    const bad = await loadSettings({ cwd: project({ 'serval.config.json': '{"port": "x"}' }), env: {} }).catch((e: Error) => e)
    expect(String(bad)).toContain('serval.config.json:port')
    const broken = await loadSettings({ cwd: project({ 'serval.config.json': '{' }), env: {} }).catch((e: Error) => e)
    expect(String(broken)).toContain('serval.config.json')
  })

  it.each([
    ['false', false],
    ['0', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['loopback,fd00::/8,::1', ['loopback', 'fd00::/8', '::1']],
  ])('reads trust_proxy %j', async (text, expected) => {
    const { settings } = await loadSettings({ filesOff: true, env: { SERVAL_TRUST_PROXY: text } })
    expect(settings.trust_proxy).toEqual(expected)
  })

  it('reads trust_proxy from a config file as a boolean, a count or a list', async () => {
    const list = await loadSettings({ cwd: project({ 'serval.config.json': '{"trust_proxy": ["10.1.2.3", "192.168.0.0/16"]}' }), env: {} })
    expect(list.settings.trust_proxy).toEqual(['10.1.2.3', '192.168.0.0/16'])
    const count = await loadSettings({ cwd: project({ 'serval.config.json': '{"trust_proxy": 1}' }), env: {} })
    expect(count.settings.trust_proxy).toBe(1)
    const defaults = await loadSettings({ filesOff: true, env: {} })
    expect(defaults.settings.trust_proxy).toBe(false)
  })

  it.each([
    [{ env: { SERVAL_TRUST_PROXY: '10.0.0.300' } }, 'SERVAL_TRUST_PROXY'],
    [{ env: { SERVAL_TRUST_PROXY: '10.0.0.0/33' } }, 'SERVAL_TRUST_PROXY'],
    [{ env: { SERVAL_TRUST_PROXY: 'proxy.internal' } }, 'SERVAL_TRUST_PROXY'],
    [{ env: {}, cli: { trust_proxy: '-1' } }, '--trust-proxy'],
    [{ env: { SERVAL_JWT_ISSUER: '' } }, 'SERVAL_JWT_ISSUER'],
    [{ env: {}, cli: { jwt_audience: '' } }, '--jwt-audience'],
  ])('rejects a bad auth or proxy setting naming it (%j)', async (options, origin) => {
    const error = await loadSettings({ filesOff: true, ...options }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect((error as SettingsError).message).toContain(origin)
  })

  it('rejects trust_proxy or jwt_issuer of the wrong type in a config file', async () => {
    const proxy = await loadSettings({ cwd: project({ 'serval.config.json': '{"trust_proxy": {"a": 1}}' }), env: {} }).catch((e: Error) => e)
    expect(String(proxy)).toContain('serval.config.json:trust_proxy')
    const issuer = await loadSettings({ cwd: project({ 'serval.config.json': '{"jwt_issuer": ["a"]}' }), env: {} }).catch((e: Error) => e)
    expect(String(issuer)).toContain('serval.config.json:jwt_issuer: must be text')
  })
})
