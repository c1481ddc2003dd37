// `serval doctor`: each check fails on a real broken environment (a data_dir
// under a file, a closed Redis port, an OIDC issuer on a closed local port,
// a function dir that does not load) and passes on a working one; the CLI
// prints a line per check and exits 1 when any fails.
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer } from 'node:net'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REDIS_URL, redisAvailable } from '../../test/support/redis.ts'
import { runCli, type CliResult } from '../../test/support/cli.ts'
import { checkNode } from './checks.ts'
import { runDoctor, type CheckResult } from './index.ts'

const tmp = mkdtempSync(join(tmpdir(), 'serval-doctor-'))
const EXAMPLES = resolve('examples/hello.ts')
const notADir = join(tmp, 'a-file')
writeFileSync(notADir, 'not a folder')
let issuer: Server
let issuerUrl = ''
let closedPort = 0
let cli: { failing: CliResult; passing: CliResult }

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

beforeAll(async () => {
  closedPort = await freePort()
  issuer = createHttpServer((req, res) => {
    const ok = req.url === '/realm/.well-known/openid-configuration'
    // An issuer whose jwks_uri is no URL: the server refuses it, so doctor must too.
    if (req.url === '/broken/.well-known/openid-configuration') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: issuerUrl, jwks_uri: 'not a url' }))
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' }).end(ok ? JSON.stringify({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/jwks` }) : '{}')
  })
  await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r))
  issuerUrl = `http://127.0.0.1:${(issuer.address() as { port: number }).port}/realm`
  const [failing, passing] = await Promise.all([
    runCli(['doctor', EXAMPLES, '--data-dir', join(notADir, 'data')], { cwd: tmp }),
    runCli(['doctor', EXAMPLES, '--data-dir', join(tmp, 'data'), '--auth-mode', 'oidc', '--oidc-url', issuerUrl], { cwd: tmp }),
  ])
  cli = { failing, passing }
})
afterAll(async () => {
  await new Promise<void>((r) => issuer.close(() => r()))
  rmSync(tmp, { recursive: true, force: true })
})

async function doctor(cli: Record<string, unknown>, dirs = [EXAMPLES]): Promise<CheckResult[]> {
  return runDoctor({ cli: { data_dir: join(tmp, 'data'), ...cli }, dirs, cwd: tmp, env: {} })
}
const failures = (results: CheckResult[]) => results.filter((r) => r.status === 'fail')

describe('serval doctor checks', () => {
  it('pass on a working environment, skipping what is not configured', async () => {
    const results = await doctor({})
    expect(failures(results)).toEqual([])
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'skip', 'skip', 'ok'])
  })

  it('an old Node fails, naming the version needed', () => {
    expect(checkNode('v18.19.0')).toMatchObject({ status: 'fail', message: expect.stringContaining('older than Serval needs (>=20'), fix: expect.stringContaining('install Node') })
    expect(checkNode('v20.10.0').status).toBe('ok')
  })

  it('a data_dir that cannot be written fails, naming it, its source and the fix', async () => {
    const [bad] = failures(await doctor({ data_dir: join(notADir, 'data') }))
    expect(bad?.message).toMatch(/^data_dir .*a-file\/data \(flag --data-dir\) is not writable: ENOTDIR/)
    expect(bad?.fix).toContain('--data-dir')
  })

  it('an unreachable Redis fails with the socket error', async () => {
    const [bad] = failures(await doctor({ redis_url: 'redis://127.0.0.1:1' }))
    expect(bad?.message).toBe('Redis at redis://127.0.0.1:1 (redis_url, flag --redis-url) is unreachable: connect ECONNREFUSED 127.0.0.1:1')
    expect(bad?.fix).toMatch(/start Redis there.*unset it/)
    const [secret] = failures(await doctor({ redis_url: 'redis://:s3cret@127.0.0.1:1/' }))
    expect(secret?.message).toMatch(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(redis_url/)
  })

  it('a reachable Redis passes', async (t) => {
    if (!(await redisAvailable('doctor redis check'))) return t.skip()
    const results = await doctor({ redis_url: REDIS_URL })
    expect(results.find((r) => r.message.startsWith('Redis at'))?.status).toBe('ok')
  })

  it('an OIDC issuer on a closed port fails; a real discovery document passes', async () => {
    const [bad] = failures(await doctor({ auth_mode: 'oidc', oidc_url: `http://127.0.0.1:${closedPort}/realm` }))
    expect(bad?.message).toMatch(new RegExp(`^OIDC discovery at http://127.0.0.1:${closedPort}/realm/.well-known/openid-configuration \\(oidc_url, flag --oidc-url\\) failed: .*ECONNREFUSED`))
    const wrongPath = failures(await doctor({ auth_mode: 'oidc', oidc_url: `${issuerUrl}/elsewhere` }))
    expect(wrongPath[0]?.message).toMatch(/failed: HTTP 404/)
    const broken = failures(await doctor({ auth_mode: 'oidc', oidc_url: issuerUrl.replace(/\/realm$/, '/broken') }))
    expect(broken[0]?.message).toMatch(/failed: the answer has no issuer or jwks_uri/)
    expect(failures(await doctor({ auth_mode: 'oidc', oidc_url: issuerUrl }))).toEqual([])
  })

  it('a function dir that does not load fails with the loader error', async () => {
    const [dup] = failures(await doctor({}, [resolve('test/fixtures/dup')]))
    expect(dup?.message).toMatch(/do not load: Duplicate action name "same"/)
    const [missing] = failures(await doctor({}, [join(tmp, 'nowhere')]))
    expect(missing?.message).toMatch(/do not load: Function directory not found/)
  })

  it('a bad setting is a failed check, not a crash', async () => {
    const results = await runDoctor({ cwd: tmp, env: { SERVAL_PORT: 'eighty' }, dirs: [EXAMPLES] })
    expect(failures(results)[0]?.message).toMatch(/^settings: SERVAL_PORT: must be an integer/)
  })
})

describe('serval doctor (the command)', () => {
  it('prints ✗ and the fix for a failing check, and exits 1', () => {
    expect(cli.failing.code).toBe(1)
    expect(cli.failing.stdout).toMatch(/^✗ data_dir .* is not writable: .*\n {2}fix: point data_dir/m)
    expect(cli.failing.stdout).toMatch(/^✓ Node v\d+/m)
    expect(cli.failing.stdout).toMatch(/1 problem to fix\n$/)
  })

  it('prints ✓ for each passing check and exits 0', () => {
    expect(cli.passing.stderr).toBe('')
    expect(cli.passing.stdout).toMatch(/^✓ OIDC discovery at .* answers/m)
    expect(cli.passing.stdout).toMatch(/^– redis_url is not set/m)
    expect(cli.passing.stdout).toMatch(/All good\n$/)
    expect(cli.passing.code).toBe(0)
  })
})
