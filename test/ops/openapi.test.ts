import { mkdirSync } from 'node:fs'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSettings } from '../../src/config/load.ts'
import { serve, type RunningServer } from '../../src/http/listen.ts'
import { scratch, SERVAL } from '../hosting/support.ts'
import { bearer, hs256, SECRET } from '../security/support.ts'

// The /_sys admin routes are in /openapi.json only where the server serves
// them, with the security it applies (serval:admin outside dev mode) and
// the answers it gives: each documented operation is called, and its
// status and body checked against the document.
type Doc = { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown> } }
type Op = { security?: Record<string, string[]>[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }

const dir = scratch('ops-openapi')
const servers: RunningServer[] = []

async function start(cli: Record<string, unknown>): Promise<{ running: RunningServer; doc: Doc }> {
  const { settings } = await loadSettings({ cli: { port: 0, log_level: 'silent', data_dir: dir.path(`data-${servers.length}`), deploy_root: dir.path('deploy'), ...cli }, filesOff: true, env: {} })
  const running = await serve({ settings, dirs: [dir.path('fns')] })
  servers.push(running)
  return { running, doc: (await (await fetch(`${running.url}/openapi.json`)).json()) as Doc }
}

/** Checks a response against the operation's documented answer of that status: listed, and the JSON body matching its schema. */
async function conforms(doc: Doc, op: Op, response: Response): Promise<void> {
  const documented = op.responses[String(response.status)]
  expect(documented, `${response.url} answered ${response.status}, not documented`).toBeDefined()
  const [type, media] = Object.entries(documented!.content ?? {})[0] ?? []
  if (!media) return
  if (!type!.includes('json')) {
    // A text answer (Prometheus exposition): the documented media type and its parameters, and a body.
    expect(response.headers.get('content-type')?.replaceAll(' ', '')).toContain(type!.replaceAll(' ', ''))
    expect((await response.text()).length).toBeGreaterThan(0)
    return
  }
  // The document's components beside the schema, so its local $refs resolve.
  const validate = new Ajv2020({ strict: false }).compile({ ...(media.schema as object), components: doc.components })
  const body = await response.json()
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true)
}

beforeAll(() => {
  mkdirSync(dir.path('fns'))
  mkdirSync(dir.path('deploy/shop'), { recursive: true })
  dir.write('fns/hello.ts', `import { action } from '${SERVAL}'\nexport const hello = action({ access: 'public', http: 'GET' }, async () => 'hi')\n`)
  dir.write('deploy/shop/buy.ts', `import { action } from '${SERVAL}'\nexport const buy = action({ access: 'public', http: 'GET' }, async () => 'bought')\n`)
})

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  dir.cleanup()
})

describe('with auth and admin_api, outside dev mode', () => {
  let running: RunningServer
  let doc: Doc
  let admin: Record<string, string>
  let user: Record<string, string>
  beforeAll(async () => {
    ;({ running, doc } = await start({ auth_mode: 'jwt', jwt_secret: SECRET, admin_api: true }))
    admin = bearer(await hs256({ sub: 'ops', scope: 'serval:admin' }))
    user = bearer(await hs256({ sub: 'ann' }))
  })
  const call = (path: string, init: RequestInit = {}) => fetch(`${running.url}${path}`, init)

  it('documents every /_sys route, and passes the OAS 3.1 validator', async () => {
    const sys = Object.entries(doc.paths).filter(([path]) => path.startsWith('/_sys')).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    expect(sys.sort()).toEqual(['DELETE /_sys/mounts/{name}', 'GET /_sys/config', 'GET /_sys/health', 'GET /_sys/info', 'GET /_sys/mounts', 'GET /_sys/mounts/{name}', 'GET /_sys/ready', 'GET /_sys/requests', 'PATCH /_sys/config', 'POST /_sys/mounts'].sort())
    const result = await new Validator().validate(doc as never)
    expect(result.errors ?? []).toEqual([])
  })

  it('documents GET /metrics as public Prometheus text (no metrics_token), and answers as documented', async () => {
    const op = doc.paths['/metrics']!.get!
    expect(op.security).toEqual([])
    expect(Object.keys(op.responses)).toEqual(['200'])
    const scraped = await call('/metrics')
    expect(scraped.status).toBe(200)
    await conforms(doc, op, scraped)
  })

  it('declares serval:admin through the bearer scheme, with 401 and 403', () => {
    for (const [path, method] of [['/_sys/requests', 'get'], ['/_sys/config', 'get'], ['/_sys/config', 'patch'], ['/_sys/mounts', 'post'], ['/_sys/mounts/{name}', 'delete']] as const) {
      const op = doc.paths[path]![method]!
      expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }])
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']))
    }
  })

  it('answers as documented: 401 without a token, 403 without the scope, the schemas with it', async () => {
    const ops = doc.paths
    for (const path of ['/_sys/requests', '/_sys/config', '/_sys/mounts']) {
      await conforms(doc, ops[path]!.get!, await call(path))
      await conforms(doc, ops[path]!.get!, await call(path, { headers: user }))
    }
    await conforms(doc, ops['/_sys/config']!.get!, await call('/_sys/config', { headers: admin }))
    const patch = (body: unknown) => call('/_sys/config', { method: 'PATCH', headers: { ...admin, 'content-type': 'application/merge-patch+json' }, body: JSON.stringify(body) })
    await conforms(doc, ops['/_sys/config']!.patch!, await patch({ log_level: 'warn' }))
    await conforms(doc, ops['/_sys/config']!.patch!, await patch({ log_level: 'loud' }))
    const deploy = () => call('/_sys/mounts', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'shop', prefix: '/shop', dirs: ['shop'] }) })
    const created = await deploy()
    expect(created.status).toBe(201)
    await conforms(doc, ops['/_sys/mounts']!.post!, created)
    await conforms(doc, ops['/_sys/mounts']!.post!, await deploy()) // 409
    await conforms(doc, ops['/_sys/mounts/{name}']!.get!, await call('/_sys/mounts/shop', { headers: admin }))
    await conforms(doc, ops['/_sys/mounts/{name}']!.delete!, await call('/_sys/mounts/shop', { method: 'DELETE', headers: admin }))
    await conforms(doc, ops['/_sys/mounts/{name}']!.delete!, await call('/_sys/mounts/shop', { method: 'DELETE', headers: admin })) // 404
  })

  it('answers health, readiness and info as documented, to anyone and to an operator', async () => {
    for (const path of ['/_sys/health', '/_sys/ready', '/_sys/info']) await conforms(doc, doc.paths[path]!.get!, await call(path))
    const internals = await call('/_sys/info', { headers: admin })
    await conforms(doc, doc.paths['/_sys/info']!.get!, internals.clone())
    expect(((await internals.json()) as { devMode?: boolean }).devMode).toBe(false)
    await conforms(doc, doc.paths['/_sys/info']!.get!, await call('/_sys/info', { headers: { authorization: 'Bearer nope' } }))
  })

  it('lists the in-flight requests in the documented shape', async () => {
    const listing = await call('/_sys/requests', { headers: admin })
    expect(listing.status).toBe(200)
    const body = (await listing.json()) as { requests: unknown[] }
    expect(body.requests.length).toBeGreaterThan(0) // this very request
    const validate = new Ajv2020({ strict: false }).compile({ $ref: '#/components/schemas/InFlightRequest', components: doc.components })
    expect(body.requests.every((r) => validate(r))).toBe(true)
  })
})

describe('with metrics_token', () => {
  it('documents GET /metrics behind the metricsToken bearer scheme with its 401, validates, and answers as documented', async () => {
    const token = 'scrape-token-0123456789'
    const { running, doc } = await start({ auth_mode: 'jwt', jwt_secret: SECRET, metrics_token: token })
    expect((await new Validator().validate(doc as never)).errors ?? []).toEqual([])
    const op = doc.paths['/metrics']!.get!
    expect(op.security).toEqual([{ metricsToken: [] }])
    expect((doc.components as { securitySchemes?: Record<string, unknown> }).securitySchemes?.metricsToken).toMatchObject({ type: 'http', scheme: 'bearer' })
    const scrape = (headers: Record<string, string> = {}) => fetch(`${running.url}/metrics`, { headers })
    const refused = await scrape()
    expect(refused.status).toBe(401)
    await conforms(doc, op, refused)
    // A valid JWT is not the metrics token.
    await conforms(doc, op, await scrape(bearer(await hs256({ sub: 'ops', scope: 'serval:admin' }))))
    const scraped = await scrape({ authorization: `Bearer ${token}` })
    expect(scraped.status).toBe(200)
    await conforms(doc, op, scraped)
  })

  it('has no GET /metrics with metrics off', async () => {
    const { doc } = await start({ metrics: false })
    expect(doc.paths['/metrics']).toBeUndefined()
  })
})

describe('in dev mode without admin_api', () => {
  it('has no /_sys/mounts, and the open admin views say so (security: [])', async () => {
    const { running, doc } = await start({ auth_mode: 'jwt', jwt_secret: SECRET, dev_mode: true })
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/_sys/mounts'))).toEqual([])
    expect(doc.paths['/_sys/config']!.get!.security).toEqual([])
    const open = await fetch(`${running.url}/_sys/config`)
    expect(open.status).toBe(200)
    await conforms(doc, doc.paths['/_sys/config']!.get!, open)
  })
})
