import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exited, runCli, startCli, waitForLine } from '../../test/support/cli.ts'

const BASIC = 'test/fixtures/basic'
const tmp = mkdtempSync(join(tmpdir(), 'serval-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('serval run', () => {
  it('prints the output as JSON and exits 0', async () => {
    const r = await runCli(['run', 'add', '--input', '{"a":1,"b":2}', 'examples'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ result: 3 })
  })

  it('accepts the kebab name and input from a file or stdin', async () => {
    const r = await runCli(['run', 'say-hello', '--input-file', '-', 'examples'], { input: '{"name":"CLI"}' })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toBe('Hello CLI!')
  })

  it('exits 1 with the problem on stderr when the action fails', async () => {
    const r = await runCli(['run', 'getUser', '--input', '{"id":"nobody"}', 'examples'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stderr)).toMatchObject({ status: 404, title: 'No user "nobody"' })
    expect(r.stdout).toBe('')
  })

  it.each([
    [['run', 'add', '--input', '{"a":"x"}', 'examples'], /invalid-input/],
    [['run', 'add', '--input', '{not json', 'examples'], /--input: not valid JSON/],
    [['run', 'nope', 'examples'], /No action named "nope"/],
    [['run', 'add', '--input', '{}', '--input-file', 'x.json', 'examples'], /not both/],
    [['run', 'add', '--input-file', '/no/such/file.json', 'examples'], /cannot read/],
  ])('exits 2 for bad usage or input: %j', async (args, message) => {
    const r = await runCli(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('runs actions that are not on HTTP', async () => {
    const r = await runCli(['run', 'offline', BASIC])
    expect(JSON.parse(r.stdout)).toBe('cli only')
  })
})

describe('serval test', () => {
  it('runs every example and exits 0 when they pass', async () => {
    const r = await runCli(['test', 'examples'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/✓ sayHello › greet_developer/)
    expect(r.stdout).toMatch(/examples: \d+ passed, 0 failed/)
  })

  it('names the action and example that failed and exits 1', async () => {
    const r = await runCli(['test', 'test/fixtures/failing'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('✓ double › two')
    expect(r.stdout).toMatch(/✗ double › wrong_on_purpose: expected 7, got 6/)
    expect(r.stdout).toContain('1 passed, 1 failed')
  })
})

describe('serval openapi and config', () => {
  it('writes the OpenAPI document to stdout or a file', async () => {
    const out = join(tmp, 'openapi.json')
    expect((await runCli(['openapi', '--out', out, 'examples'])).code).toBe(0)
    const doc = JSON.parse(readFileSync(out, 'utf8'))
    expect(doc.paths['/actions/say-hello'].get.operationId).toBe('sayHello')
    const r = await runCli(['openapi', 'examples'])
    expect(JSON.parse(r.stdout).openapi).toBe('3.1.0')
  })

  it('prints effective settings with their sources, masking secrets', async () => {
    const r = await runCli(['config', '--port', '9000', '--json', 'examples'], { env: { SERVAL_LOG_LEVEL: 'warn', SERVAL_JWT_SECRET: 'shh' } })
    expect(r.code).toBe(0)
    const cfg = JSON.parse(r.stdout)
    expect(cfg.port).toEqual({ value: 9000, source: 'flag --port' })
    expect(cfg.log_level).toEqual({ value: 'warn', source: 'env SERVAL_LOG_LEVEL' })
    expect(cfg.host).toEqual({ value: '127.0.0.1', source: 'default' })
    expect(cfg.jwt_secret.value).toBe('********')
    expect(cfg.function_dirs.value).toEqual(['examples'])
  })
})

describe('usage errors and help', () => {
  it.each(['serve', 'dev', 'run', 'test', 'openapi', 'asyncapi', 'config'])('%s --help describes the command', async (cmd) => {
    const r = await runCli([cmd, '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`Usage: serval ${cmd}`))
  })

  it('exits 2 naming an unknown flag', async () => {
    const r = await runCli(['serve', '--prot', '1'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown option '--prot'/)
  })

  it('exits 2 naming a bad setting from a flag or the environment', async () => {
    const flag = await runCli(['serve', '--port', 'x', 'examples'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/--port: must be an integer/)
    const env = await runCli(['serve', 'examples'], { env: { SERVAL_LOG_LEVEL: 'shouty' } })
    expect(env.code).toBe(2)
    expect(env.stderr).toMatch(/SERVAL_LOG_LEVEL: must be one of/)
  })

  it.each([
    [['config', '--trust-proxy', 'proxy.internal', 'examples'], {}, /^serval: --trust-proxy: must be true, false, a hop count/],
    [['config', 'examples'], { SERVAL_JWT_ISSUER: '' }, /^serval: SERVAL_JWT_ISSUER: must not be empty/],
    [['config', '--jwt-audience', '', 'examples'], {}, /^serval: --jwt-audience: must not be empty/],
  ])('exits 2 naming a bad auth or proxy setting: %j', async (args, env, message) => {
    const r = await runCli(args, { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('fails at startup on duplicate action names, naming both files', async () => {
    const r = await runCli(['serve', 'test/fixtures/dup', '--port', '0'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Duplicate action name "same".*test\/fixtures\/dup\/a\.ts.*test\/fixtures\/dup\/b\.ts/)
  })

  it.each(['serve', 'dev', 'run add', 'test', 'openapi'])('%s exits 2 with one line naming a missing function directory, no stack', async (cmd) => {
    const r = await runCli([...cmd.split(' '), 'no/such/dir', '--port', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`serval: function directory not found: no/such/dir\n`)
  })

  it.each([
    ['/missing/dir/x.json', /^serval: --out: cannot write \/missing\/dir\/x\.json: no directory \/missing\/dir\n$/],
    [tmp, /^serval: --out: cannot write .*serval-cli-.*: it is a directory\n$/],
  ])('openapi --out %s exits 2 with one line naming the file, no stack', async (out, message) => {
    const r = await runCli(['openapi', '--out', out, 'examples'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })
})

describe('serval serve lifecycle', () => {
  it('serves, then drains an in-flight request on SIGTERM and exits 0', async () => {
    const child = startCli(['serve', 'test/fixtures/slow', '--port', '0', '--shutdown-grace-s', '5'])
    const line = await waitForLine(child, /Serval listening/)
    const url = JSON.parse(line).url as string
    expect((await fetch(`${url}/_sys/ready`)).status).toBe(200)
    const inFlight = fetch(`${url}/actions/slow`, { method: 'POST', body: '{"ms":400}', headers: { 'content-type': 'application/json' } })
    await waitForLine(child, /slow started/)
    child.kill('SIGTERM')
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sleptMs: 400 })
    expect(await exited(child)).toBe(0)
  })
})
