// The OpenAPI document as a docs reader meets it: valid OAS 3.1 (checked by
// an independent validator, under each auth kind), a summary on every
// operation, a tag per source file or folder with its description, and the
// project's version (the functionsVersion in an extension field).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { App } from '../app/app.ts'
import { loadApp } from '../app/load.ts'
import { loadSettings } from '../config/load.ts'
import { buildOpenApi } from './document.ts'
import { firstSentence } from './summary.ts'

const tmp = mkdtempSync(join(tmpdir(), 'serval-openapi-'))
const apps: App[] = []
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()))
  rmSync(tmp, { recursive: true, force: true })
})

async function appOf(dirs: string[], settings: Record<string, unknown> = {}, cwd = process.cwd()): Promise<App> {
  const { settings: s } = await loadSettings({ cli: { log_level: 'silent', data_dir: join(tmp, `data-${apps.length}`), ...settings }, filesOff: true, env: {} })
  const app = await loadApp({ settings: s, dirs, cwd })
  apps.push(app)
  return app
}

type Op = { summary?: string; tags?: string[]; description?: string }
function operations(doc: Record<string, any>): [string, Op][] {
  return Object.entries(doc.paths as Record<string, Record<string, Op>>).flatMap(([path, item]) => Object.entries(item).map(([m, op]) => [`${m} ${path}`, op] as [string, Op]))
}

async function validate(doc: unknown): Promise<void> {
  const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)) as Record<string, unknown>)
  expect(result.errors ?? []).toEqual([])
  expect(result.valid).toBe(true)
}

describe('the OpenAPI document of examples/', () => {
  let doc: Record<string, any>
  beforeAll(async () => void (doc = buildOpenApi(await appOf(['examples']))))

  it('passes the OAS 3.1 validator', () => validate(doc))

  it('gives every operation a summary, and action operations their description’s first sentence', () => {
    const missing = operations(doc).filter(([, op]) => !op.summary)
    expect(missing.map(([k]) => k)).toEqual([])
    expect(doc.paths['/actions/say-hello'].get.summary).toBe('Greet a user')
    expect(doc.paths['/actions/divide'].post.summary).toBe('Divide a by b; b = 0 is a 422 with a reason')
  })

  it('tags each action by its source file or folder, each tag described once', () => {
    expect(doc.paths['/actions/say-hello'].get.tags).toEqual(['hello'])
    expect(doc.paths['/actions/who-am-i'].get.tags).toEqual(['auth'])
    const names = (doc.tags as { name: string }[]).map((t) => t.name)
    expect(new Set(names).size).toBe(names.length)
    expect(doc.tags).toContainEqual({ name: 'hello', description: 'The tour starts here: one typed function, served as GET /actions/say-hello.' })
    expect(doc.tags).toContainEqual({ name: 'graphql', description: 'graphql.ts' })
    const used = new Set(operations(doc).flatMap(([, op]) => op.tags ?? []))
    expect([...used].sort()).toEqual([...names].sort())
  })

  it('versions the document by the package, the functionsVersion in x-serval-functions-version', async () => {
    expect(doc.info.version).toBe('0.1.0')
    expect(doc.info['x-serval-functions-version']).toMatch(/^z[1-9A-HJ-NP-Za-km-z]{40,}$/)
  })
})

describe('a project of its own', () => {
  let doc: Record<string, any>
  beforeAll(async () => {
    const root = join(tmp, 'project')
    mkdirSync(join(root, 'actions/billing'), { recursive: true })
    mkdirSync(join(root, 'node_modules'))
    symlinkSync(process.cwd(), join(root, 'node_modules/serval')) // installed by path
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'shop', version: '2.3.4', type: 'module' }))
    writeFileSync(join(root, 'actions/billing/index.ts'), `/**\n * Billing: invoices and refunds.\n *\n * @module\n */\nimport { action } from 'serval'\nexport const refund = action({ description: 'Refunds an order. Only within 30 days.', input: { type: 'object' } }, () => 'ok')\n`)
    writeFileSync(join(root, 'actions/billing/invoice.ts'), `import { action } from 'serval'\n/** Not the module comment. */\nexport const invoice = action({ summary: 'Own summary', description: 'Makes an invoice.', input: { type: 'object' } }, () => 'ok')\n`)
    writeFileSync(join(root, 'actions/ping.ts'), `import { action } from 'serval'\n/** The ping action. */\nexport const ping = action({ input: { type: 'object' }, tags: ['health'] }, () => 'pong')\n`)
    doc = buildOpenApi(await appOf(['actions'], {}, root))
  })

  it("takes info.version from the project's package.json", () => expect(doc.info.version).toBe('2.3.4'))

  it('describes a folder tag by its index.ts module JSDoc, keeps own summaries and tags', () => {
    expect(doc.tags).toContainEqual({ name: 'billing', description: 'Billing: invoices and refunds.' })
    expect(doc.paths['/actions/refund'].post).toMatchObject({ tags: ['billing'], summary: 'Refunds an order' })
    expect(doc.paths['/actions/invoice'].post).toMatchObject({ tags: ['billing'], summary: 'Own summary' })
    expect(doc.paths['/actions/ping'].post).toMatchObject({ tags: ['health'], summary: 'ping' })
  })
})

describe('under each auth kind', () => {
  it.each([
    ['jwt in dev mode (bearer + the dev token flow)', { auth_mode: 'jwt', jwt_secret: 'x'.repeat(32), dev_mode: true }],
    ['oidc', { auth_mode: 'oidc', oidc_url: 'http://127.0.0.1:1/realms/x', oidc_client_id: 'docs' }],
  ])('%s still passes the validator', async (_kind, settings) => {
    const doc = buildOpenApi(await appOf(['examples/auth'], settings))
    expect(Object.keys(doc.components.securitySchemes).length).toBeGreaterThan(0)
    await validate(doc)
  })
})

describe('firstSentence', () => {
  it.each([
    ['Greets a user. Then more.', 'Greets a user'],
    ['Is it up? Yes.', 'Is it up?'],
    ['Uses e.g. zod and v1.2 schemas', 'Uses e.g. zod and v1.2 schemas'],
    ['First paragraph\nwraps here\n\nSecond one.', 'First paragraph wraps here'],
    ['  Ends with a period.  ', 'Ends with a period'],
  ])('%j → %j', (text, expected) => expect(firstSentence(text)).toBe(expected))
})
