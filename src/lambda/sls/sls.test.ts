import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ROOT, runCli, type CliResult } from '../../../test/support/cli.ts'
import { renderServerless, writeServerless } from './file.ts'

// `serval sls` run as users run it (a real child process), its output parsed with `yaml`.
const tmp = mkdtempSync(join(tmpdir(), 'serval-sls-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const SECRET = 'a-jwt-secret-that-must-never-be-written-out'
const env = { SERVAL_AUTH_MODE: 'jwt', SERVAL_JWT_SECRET: SECRET, SERVAL_LOG_LEVEL: 'warn', SERVAL_PORT: '9999', SERVAL_CORS_ALLOWED_ORIGINS: 'https://a.example,https://b.example' }

async function sls(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult & { doc: any; text: string }> {
  const r = await runCli(['sls', ...args], options)
  const out = args[args.indexOf('--out') + 1]
  const text = r.code === 0 && out && out !== '-' ? readFileSync(out, 'utf8') : r.stdout
  return { ...r, text, doc: r.code === 0 ? parse(text) : undefined }
}

describe('serval sls: one function per action', () => {
  const out = join(tmp, 'per-action.yml')
  let r: Awaited<ReturnType<typeof sls>>
  beforeAll(async () => {
    r = await sls(['examples', '--out', out, '--service', 'shop'], { env })
  })

  it('writes serverless.yml for nodejs20.x with a function per HTTP or scheduled action', () => {
    expect(r.code).toBe(0)
    expect(r.doc.service).toBe('shop')
    expect(r.doc.provider).toMatchObject({ name: 'aws', runtime: 'nodejs20.x' })
    expect(r.doc.provider.apiGateway).toBeUndefined()
    expect(r.doc.functions['say-hello']).toEqual({ handler: 'handler.handler', description: 'Greet a user', events: [{ httpApi: { path: '/actions/say-hello', method: 'GET' } }, { httpApi: { path: '/actions/say-hello', method: 'OPTIONS' } }] })
    const add = r.doc.functions.add.events.map((e: any) => e.httpApi.method)
    expect(add).toEqual(['GET', 'POST', 'OPTIONS'])
  })

  it('adds schedule events: rate() singular, six-field cron() with ?, the input a direct invocation { action }', () => {
    expect(r.doc.functions.heartbeat.events).toContainEqual({ schedule: { rate: ['rate(1 minute)'], input: { action: 'heartbeat' } } })
    expect(r.doc.functions['nightly-report'].events).toEqual([{ schedule: { rate: ['cron(0 3 * * ? *)'], method: 'scheduler', timezone: 'Europe/Paris', input: { action: 'nightlyReport' } } }])
  })

  it('takes timeout from the action and warns when API Gateway would end the request first', () => {
    expect(r.doc.functions['count-slowly'].timeout).toBe(60)
    expect(r.doc.functions['say-hello'].timeout).toBeUndefined()
    expect(r.stderr).toMatch(/warning: action "countSlowly": timeout 60 s, but API Gateway ends an HTTP request after 30 s/)
  })

  it('passes the settings as environment variables, secrets as ${ssm:…} references, never their value', () => {
    const { SERVAL_FUNCTION_DIRS: dirs, ...settings } = r.doc.provider.environment
    // Relative to the file's folder, the service root (the function's working directory on Lambda).
    expect(resolve(tmp, dirs)).toBe(resolve(ROOT, 'examples'))
    expect(settings).toEqual({
      SERVAL_AUTH_MODE: 'jwt',
      SERVAL_JWT_SECRET: '${ssm:/shop/jwt_secret}',
      SERVAL_LOG_LEVEL: 'warn',
      SERVAL_CORS_ALLOWED_ORIGINS: 'https://a.example,https://b.example',
    })
    expect(r.text).not.toContain(SECRET)
  })
})

describe('serval sls --router --api rest', () => {
  it('writes one router function with an http event per path and method, and every schedule', async () => {
    const r = await sls(['examples', '--router', '--api', 'rest', '--secrets', 'env', '--out', '-'], { env: { ...env, SERVAL_DEV_MODE: 'true' } })
    expect(r.code).toBe(0)
    expect(Object.keys(r.doc.functions)).toEqual(['router'])
    expect(r.doc.provider.apiGateway).toEqual({ binaryMediaTypes: ['*/*'] })
    const router = r.doc.functions.router
    expect(router.timeout).toBe(60)
    expect(router.events).toContainEqual({ http: { path: '/actions/say-hello', method: 'get' } })
    expect(router.events).toContainEqual({ http: { path: '/actions/add', method: 'post' } })
    expect(router.events.filter((e: any) => e.schedule).map((e: any) => e.schedule.input.action)).toEqual(['heartbeat', 'nightlyReport'])
    expect(r.doc.provider.environment.SERVAL_JWT_SECRET).toBe('${env:SERVAL_JWT_SECRET}')
    expect(r.stderr).toMatch(/warning: dev_mode is on in the function's environment/)
  })
})

describe('serval sls refuses what AWS cannot run, and bad flags, with exit 2', () => {
  it('a schedule under a minute, naming the action; nothing is written', async () => {
    const out = join(tmp, 'fast.yml')
    const r = await sls(['test/fixtures/sls-fast', '--out', out])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/action "pollFast": schedule every "30s" is under a minute/)
    expect(existsSync(out)).toBe(false)
  })

  it.each([
    [['--api', 'soap'], /--api must be one of http-api, rest/],
    [['--secrets', 'inline'], /--secrets must be one of ssm, env/],
    [['--handler', 'handler'], /--handler must be FILE.EXPORT/],
    [['--service', '1 bad'], /--service must start with a letter/],
  ])('%j', async (flags, message) => {
    const r = await sls(['examples', '--out', '-', ...flags])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
  })
})

describe('serval sls never overwrites a person\'s edits', () => {
  const doc = { service: 'shop', provider: { name: 'aws' } }

  it('regenerates its own file, refuses an edited or foreign one, and replaces it with force', () => {
    const out = join(tmp, 'own.yml')
    writeServerless(out, renderServerless(doc, 'serval sls'), false)
    writeServerless(out, renderServerless({ ...doc, service: 'shop2' }, 'serval sls'), false)
    expect(parse(readFileSync(out, 'utf8')).service).toBe('shop2')
    appendFileSync(out, 'custom:\n  mine: true\n')
    expect(() => writeServerless(out, renderServerless(doc, 'serval sls'), false)).toThrow(/was edited since serval sls generated it; refusing to overwrite it/)
    expect(readFileSync(out, 'utf8')).toContain('mine: true')
    writeServerless(out, renderServerless(doc, 'serval sls'), true)
    expect(readFileSync(out, 'utf8')).not.toContain('mine: true')
    writeFileSync(out, 'service: handwritten\n')
    expect(() => writeServerless(out, renderServerless(doc, 'serval sls'), false)).toThrow(/was not generated by serval sls/)
    expect(readFileSync(out, 'utf8')).toBe('service: handwritten\n')
  })

  it('the CLI exits 2 naming the file and keeps it as it was', async () => {
    const out = join(tmp, 'edited.yml')
    writeFileSync(out, `${renderServerless(doc, 'serval sls')}custom: {}\n`)
    const r = await sls(['examples', '--out', out])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${out} was edited since serval sls generated it`)
    expect(readFileSync(out, 'utf8')).toContain('custom: {}')
  })
})
