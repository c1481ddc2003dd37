import { mkdirSync, symlinkSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSettings } from '../../src/config/load.ts'
import { serve, type RunningServer } from '../../src/http/listen.ts'
import { hs256 } from '../security/support.ts'
import { gate, SERVAL, scratch, ZOD } from './support.ts'

// Mounts: each set of dirs is its own app behind a prefix (OpenAPI, docs,
// settings); with admin_api, serval:admin principals deploy and undeploy
// them at runtime while the other mounts keep serving.
const SECRET = 'test-secret-that-is-at-least-32-characters-long'
const dir = scratch('mounts')
let running: RunningServer
let admin: string
let user: string

const actionFile = (name: string, answer: string) => `
import { action } from '${SERVAL}'
import { z } from '${ZOD}'
const g = globalThis as Record<string, any>
export const ${name} = action({ access: 'public', input: z.object({}), output: z.string(), http: 'GET' }, async () => '${answer}')
export const guarded = action({ input: z.object({}), output: z.string(), http: 'GET' }, async () => 'in')
export const slow = action({ access: 'public', input: z.object({}), output: z.string(), http: 'GET' }, async () => {
  g.mountGateEntered?.()
  await g.mountGate
  return 'slow ${answer}'
})
`

beforeAll(async () => {
  for (const d of ['root', 'billing', 'open', 'limited', 'deploy/shop', 'deploy/other', 'deploy/broken', 'outside']) mkdirSync(dir.path(d), { recursive: true })
  dir.write('root/root.ts', actionFile('home', 'root'))
  dir.write('billing/billing.ts', actionFile('invoice', 'billing'))
  dir.write('open/open.ts', actionFile('hello', 'open'))
  dir.write('limited/limited.ts', actionFile('once', 'limited'))
  dir.write('deploy/shop/shop.ts', actionFile('buy', 'shop'))
  dir.write('deploy/other/other.ts', actionFile('other', 'other'))
  dir.write('deploy/broken/broken.ts', 'export const = ;')
  dir.write('outside/evil.ts', actionFile('evil', 'evil'))
  symlinkSync(dir.path('outside'), dir.path('deploy/link'))
  const mounts = [
    { name: 'billing', prefix: '/billing', dirs: [dir.path('billing')], cors_allowed_origins: ['https://billing.example'] },
    { name: 'open', prefix: '/open', dirs: [dir.path('open')], auth_mode: 'none' },
    { name: 'limited', prefix: '/limited', dirs: [dir.path('limited')], rate_limit: { max: 1, window_s: 60 } },
  ]
  const { settings } = await loadSettings({
    cli: { port: 0, log_level: 'silent', data_dir: dir.path('data'), auth_mode: 'jwt', jwt_secret: SECRET, admin_api: true, deploy_root: dir.path('deploy'), mounts: JSON.stringify(mounts) },
    filesOff: true,
    env: {},
  })
  running = await serve({ settings, dirs: [dir.path('root')] })
  admin = `Bearer ${await hs256({ sub: 'ops', scope: 'serval:admin' })}`
  user = `Bearer ${await hs256({ sub: 'ann' })}`
})

afterAll(async () => {
  await running?.close()
  dir.cleanup()
})

const at = (path: string, init: RequestInit = {}) => fetch(`${running.url}${path}`, init)
const asAdmin = (path: string, init: RequestInit = {}) => at(path, { ...init, headers: { authorization: admin, 'content-type': 'application/json', ...init.headers } })
const deploy = (body: unknown, auth = admin) => at('/_sys/mounts', { method: 'POST', body: JSON.stringify(body), headers: { authorization: auth, 'content-type': 'application/json' } })

describe('mounts from the config', () => {
  it('serves each set of dirs under its prefix, and only there', async () => {
    expect(await (await at('/billing/actions/invoice')).json()).toBe('billing')
    expect(await (await at('/open/actions/hello')).json()).toBe('open')
    expect(await (await at('/actions/home')).json()).toBe('root')
    expect((await at('/actions/invoice')).status).toBe(404)
    expect((await at('/billing/actions/home')).status).toBe(404)
  })

  it('gives each mount its own OpenAPI document and docs page', async () => {
    const doc = (await (await at('/billing/openapi.json')).json()) as { servers: { url: string }[]; paths: Record<string, unknown> }
    expect(doc.servers).toEqual([{ url: '/billing' }])
    expect(Object.keys(doc.paths)).toContain('/actions/invoice')
    expect(Object.keys(doc.paths)).not.toContain('/actions/home')
    const page = await (await at('/billing/docs')).text()
    expect(page).toContain('/billing/docs/static/swagger-ui-bundle.js')
    const init = await (await at('/billing/docs/static/swagger-initializer.js')).text()
    expect(init).toContain('"/billing/openapi.json"')
    const root = (await (await at('/openapi.json')).json()) as { servers?: unknown; paths: Record<string, unknown> }
    expect(root.servers).toBeUndefined()
    expect(Object.keys(root.paths)).not.toContain('/actions/invoice')
  })

  it('applies each mount its own settings: auth on one only, CORS on one only', async () => {
    expect((await at('/billing/actions/guarded')).status).toBe(401)
    expect(await (await at('/open/actions/guarded')).json()).toBe('in')
    const preflight = (prefix: string) => at(`${prefix}/actions/invoice`, { method: 'OPTIONS', headers: { origin: 'https://billing.example', 'access-control-request-method': 'GET' } })
    expect((await preflight('/billing')).headers.get('access-control-allow-origin')).toBe('https://billing.example')
    expect((await preflight('/open')).headers.get('access-control-allow-origin')).toBeNull()
    expect((await at('/limited/actions/once')).status).toBe(200)
    expect((await at('/limited/actions/once')).status).toBe(429)
    expect((await at('/open/actions/hello')).status).toBe(200)
    expect((await at('/open/actions/hello')).status).toBe(200)
  })
})

describe('/_sys/mounts', () => {
  it('needs a serval:admin principal: 401 without a token, 403 without the scope', async () => {
    const anonymous = await at('/_sys/mounts')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json')
    const plain = await at('/_sys/mounts', { headers: { authorization: user } })
    expect(plain.status).toBe(403)
    expect(plain.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", .*scope="serval:admin"$/)
    expect((await deploy({ name: 'x', prefix: '/x', dirs: ['shop'] }, user)).status).toBe(403)
    expect((await at('/_sys/mounts/billing', { method: 'DELETE', headers: { authorization: user } })).status).toBe(403)
  })

  it('stays closed in dev mode, which opens the other admin views: 401 without a token, 403 without the scope', async () => {
    const { settings } = await loadSettings({
      cli: { port: 0, log_level: 'silent', data_dir: dir.path('data-dev'), dev_mode: true, auth_mode: 'jwt', jwt_secret: SECRET, admin_api: true, deploy_root: dir.path('deploy') },
      filesOff: true,
      env: {},
    })
    const dev = await serve({ settings, dirs: [dir.path('root')] })
    try {
      expect((await fetch(`${dev.url}/_sys/config`)).status).toBe(200)
      expect((await fetch(`${dev.url}/_sys/mounts`)).status).toBe(401)
      expect((await fetch(`${dev.url}/_sys/mounts`, { headers: { authorization: user } })).status).toBe(403)
      expect((await fetch(`${dev.url}/_sys/mounts`, { headers: { authorization: admin } })).status).toBe(200)
    } finally {
      await dev.close()
    }
  })

  it('is not there without admin_api (a mount has none): 404', async () => {
    expect((await asAdmin('/open/_sys/mounts')).status).toBe(404)
  })

  it('lists the mounts', async () => {
    const body = (await (await asAdmin('/_sys/mounts')).json()) as { mounts: { name: string; source: string; prefix: string; openapi: string }[] }
    expect(body.mounts.map((m) => [m.name, m.prefix, m.source])).toEqual([
      ['billing', '/billing', 'config'],
      ['limited', '/limited', 'config'],
      ['open', '/open', 'config'],
    ])
    expect(body.mounts[0]?.openapi).toBe('/billing/openapi.json')
  })

  it('refuses a bad body, and dirs outside deploy_root, with 422', async () => {
    const issues = async (body: unknown) => {
      const response = await deploy(body)
      expect(response.status).toBe(422)
      return ((await response.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)
    }
    expect(await issues({ name: 'shop', prefix: 'shop', dirs: [] })).toEqual(['/prefix', '/dirs'])
    expect(await issues({ name: 'shop', prefix: '/actions', dirs: ['shop'] })).toEqual(['/prefix'])
    expect(await issues('nope')).toEqual([''])
    expect(await issues({ name: 'shop', prefix: '/shop', dirs: ['../outside'] })).toEqual(['/dirs/0'])
    expect(await issues({ name: 'shop', prefix: '/shop', dirs: [dir.path('outside')] })).toEqual(['/dirs/0'])
    expect(await issues({ name: 'shop', prefix: '/shop', dirs: ['link'] })).toEqual(['/dirs/0'])
    expect(await issues({ name: 'shop', prefix: '/shop', dirs: ['missing'] })).toEqual(['/dirs/0'])
    expect((await at('/shop/actions/evil')).status).toBe(404)
  })

  it('answers 422 deploy-failed naming the file when a mount does not load', async () => {
    const response = await deploy({ name: 'broken', prefix: '/broken', dirs: ['broken'] })
    expect(response.status).toBe(422)
    const problem = (await response.json()) as { type: string; detail: string }
    expect(problem.type).toBe('urn:serval:problem:deploy-failed')
    expect(problem.detail).toContain('broken.ts')
    expect((await asAdmin('/_sys/mounts/broken')).status).toBe(404)
  })

  it('deploys (201 + Location) the files as they are now, and undeploys (204), under a stream of requests to another mount, with no error', async () => {
    let on = true
    const seen = { ok: 0, failed: 0 }
    const stream = (async () => {
      while (on) {
        const response = await at('/billing/actions/invoice').catch(() => undefined)
        if (response?.status === 200 && (await response.json()) === 'billing') seen.ok++
        else seen.failed++
      }
    })()
    for (let round = 0; round < 3; round++) {
      // Each deploy loads the files as they are now (the first one imports them plainly, the later ones afresh).
      dir.write('deploy/shop/shop.ts', actionFile('buy', `shop ${round}`))
      const created = await deploy({ name: 'shop', prefix: '/shop', dirs: ['shop'] })
      expect(created.status).toBe(201)
      expect(created.headers.get('location')).toBe('/_sys/mounts/shop')
      expect(((await created.json()) as { actions: number }).actions).toBe(3)
      expect(await (await at('/shop/actions/buy')).json()).toBe(`shop ${round}`)
      expect((await asAdmin('/_sys/mounts/shop')).status).toBe(200)
      expect((await asAdmin('/_sys/mounts/shop', { method: 'DELETE' })).status).toBe(204)
      expect((await at('/shop/actions/buy')).status).toBe(404)
    }
    on = false
    await stream
    expect(seen.failed).toBe(0)
    expect(seen.ok).toBeGreaterThan(0)
  })

  it('answers 409 for a duplicate name or an overlapping prefix', async () => {
    expect((await deploy({ name: 'billing', prefix: '/elsewhere', dirs: ['shop'] })).status).toBe(409)
    const prefix = await deploy({ name: 'shop2', prefix: '/billing', dirs: ['shop'] })
    expect(prefix.status).toBe(409)
    expect(((await prefix.json()) as { type: string }).type).toBe('urn:serval:problem:mount-exists')
    expect((await deploy({ name: 'shop3', prefix: '/billing/eu', dirs: ['shop'] })).status).toBe(409)
  })

  it('lets a request in flight on an undeployed mount finish', async () => {
    expect((await deploy({ name: 'other', prefix: '/other', dirs: ['other'] })).status).toBe(201)
    const slow = gate('mountGate')
    const pending = at('/other/actions/slow')
    await slow.entered
    const mountApp = running.host.mounts.find((m) => m.name === 'other')!.app
    const removed = asAdmin('/_sys/mounts/other', { method: 'DELETE' })
    // The mount is out of the table at once (new requests 404) while the slow one is still running.
    for (;;) if ((await at('/other/actions/other')).status === 404) break
    expect(mountApp.draining).toBe(false) // still answering the slow request
    slow.open()
    expect(await (await pending).json()).toBe('slow other')
    expect((await removed).status).toBe(204)
    expect(mountApp.draining).toBe(true)
  })

  it('answers 404 for an unknown mount, and undeploys a configured one', async () => {
    expect((await asAdmin('/_sys/mounts/nope', { method: 'DELETE' })).status).toBe(404)
    expect((await asAdmin('/_sys/mounts/open', { method: 'DELETE' })).status).toBe(204)
    expect((await at('/open/actions/hello')).status).toBe(404)
  })
})
