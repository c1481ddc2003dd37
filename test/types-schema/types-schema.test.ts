import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildOpenApi, discoverActions } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { derivationStats, deriveTypeSchemas, InexpressibleType } from '../../src/types-schema/index.ts'
import { deriveSchemas } from '../../src/types-schema/derive.ts'
import { locateAction } from '../../src/types-schema/locate.ts'
import { createProgram, loadTypeScript } from '../../src/types-schema/program.ts'
import { clearMemory } from '../../src/types-schema/cache.ts'

// One derivation for the file (beforeAll), then a second start on the same data_dir from the cache.
const dataDir = mkdtempSync(join(tmpdir(), 'serval-types-'))
let server: TestServer
let programsAfterFirst = 0

beforeAll(async () => {
  clearMemory()
  server = await createTestServer({ dirs: ['test/fixtures/typed'] }, { data_dir: dataDir })
  programsAfterFirst = derivationStats.programs
})
afterAll(async () => {
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const post = (path: string, body: unknown) =>
  server.fetch(`/actions/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

const item = { name: 'hammer', qty: 1, kind: 'tool', note: null, attrs: { weight: 2 }, pair: [1, 'a'], inStock: true }

describe('a types-only action validates like a written schema', () => {
  it('answers 422 listing every failing path', async () => {
    const res = await post('store', { item: { name: 3, qty: 'x', kind: 'car', note: 1, attrs: { a: 'b' }, pair: [1], inStock: 'yes', extra: 1 } })
    expect(res.status).toBe(422)
    const paths = ((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()
    expect(paths).toEqual(expect.arrayContaining(['/item/name', '/item/qty', '/item/kind', '/item/note', '/item/attrs/a', '/item/pair', '/item/inStock']))
    expect(paths.some((p) => p === '/item' || p === '/item/extra')).toBe(true) // the closed object refuses `extra`
  })

  it('serialises through the derived output schema: fields the type does not name are not sent', async () => {
    const res = await post('store', { item })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'hammer', qty: 1 })
  })

  it('an output that breaks the declared return type is a 500, as with a written schema', async () => {
    expect((await post('liar', { value: { n: 'not a number' } })).status).toBe(500)
    expect(await (await post('liar', { value: { n: 2 } })).json()).toEqual({ n: 2 })
  })

  it('a GET action coerces its query string to the parameter type', async () => {
    const res = await server.fetch('/actions/search?q=saw&limit=3&exact=true&kinds[]=tool')
    expect(await res.json()).toEqual({ q: 'saw', limit: 3, exact: true, kinds: ['tool'] })
    expect((await server.fetch('/actions/search?limit=x')).status).toBe(422)
  })

  it('an async generator streams items of its yielded type', async () => {
    const text = await (await post('up-to', { n: 2 })).text()
    expect(text).toContain('data: {"i":1,"last":false}')
    expect(text).toContain('event: end')
    const item = server.app.registry.get('upTo')?.output?.jsonSchema
    expect(item).toEqual({ type: 'object', properties: { i: { type: 'number' }, last: { type: 'boolean' } }, required: ['i', 'last'], additionalProperties: false })
  })
})

describe('a types-only action documents like a written schema', () => {
  it('its OpenAPI schemas equal the same schemas written by hand', () => {
    const schemas = buildOpenApi(server.app).components.schemas
    expect(schemas.StoreInput).toEqual(schemas.StoreWrittenInput)
    expect(schemas.StoreOutput).toEqual(schemas.StoreWrittenOutput)
  })

  it('takes descriptions and examples from the JSDoc', () => {
    const store = server.app.registry.get('store')!
    expect(store.def.description).toBe('Store an item; the answer carries only the fields `Stored` names.')
    expect(store.def.examples).toEqual([{ name: 'stores_a_hammer', input: { item: { ...item, attrs: {} } }, output: { name: 'hammer', qty: 1 } }])
    const props = (store.input.jsonSchema as { properties: { item: { properties: { name: { description: string } } } } }).properties
    expect(props.item.properties.name.description).toBe("The item's name.")
  })
})

describe('the cache', () => {
  it('a second start on the same data_dir derives nothing and rewrites nothing', async () => {
    const dir = join(dataDir, 'types-schema')
    const [file] = readdirSync(dir)
    const before = statSync(join(dir, file!)).mtimeMs
    clearMemory()
    const again = await createTestServer({ dirs: ['test/fixtures/typed'] }, { data_dir: dataDir })
    try {
      expect(derivationStats.programs).toBe(programsAfterFirst)
      expect(statSync(join(dir, file!)).mtimeMs).toBe(before)
      expect(again.app.registry.get('store')?.input.jsonSchema).toEqual(server.app.registry.get('store')?.input.jsonSchema)
    } finally {
      await again.close()
    }
  })
})

describe('types with no JSON Schema', () => {
  const bad = async (name: string) => {
    clearMemory()
    const sources = (await discoverActions(['test/fixtures/typed-bad'])).filter((s) => s.exportName === name)
    return deriveTypeSchemas(sources, { dataDir, cwd: process.cwd() }).then(() => 'started', (e: Error) => e.message)
  }

  it('fail at startup naming the action, the file and the type', async () => {
    expect(await bad('takesCallback')).toMatch(/action "takesCallback" \(in test\/fixtures\/typed-bad\/bad\.ts\): input\.onDone: a function is no JSON value \(type `\(\) => void`\)/)
  })

  it('every kind of type with no JSON form is refused, with why (one program for all)', () => {
    const ts = loadTypeScript('test')
    const file = resolve('test/fixtures/typed-bad/bad.ts')
    const program = createProgram(ts, [file])
    const checker = program.getTypeChecker()
    const why = (name: string) => {
      try {
        deriveSchemas(ts, checker, locateAction(ts, checker, program.getSourceFile(file)!, name)!)
        return 'derived'
      } catch (e) {
        return e instanceof InexpressibleType ? e.message : String(e)
      }
    }
    expect(why('returnsBigint')).toMatch(/output\.n: a bigint is no JSON value.*`bigint`/)
    expect(why('takesSymbol')).toMatch(/input\.s: a symbol is no JSON value/)
    expect(why('takesDate')).toMatch(/input\.at: a Date is no JSON value.*`Date`/)
    expect(why('generic')).toMatch(/a generic handler has no schema/)
    expect(why('maybeNothing')).toMatch(/output: a value that may be undefined/)
  })
})
