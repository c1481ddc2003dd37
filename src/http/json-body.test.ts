import { expect, it } from 'vitest'
import { createTestServer } from 'serval/testing'
import { BASIC, describeBoth } from '../../test/support/transports.ts'

const json = { 'content-type': 'application/json' }
const nest = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels)

describeBoth(
  'JSON bodies',
  (send) => {
    it('answers a number JSON cannot hold (1e400 parses to Infinity) with 422 naming its path', async () => {
      for (const [body, path] of [
        ['{"values":[1,1e400]}', '/values/1'],
        ['{"values":[-1e400]}', '/values/0'],
        ['{"values":[1],"a/b~":{"c":1e999}}', '/a~1b~0/c'],
      ] as const) {
        const res = await send()('POST', '/actions/json-schema-sum', { body, headers: json })
        expect(res.status).toBe(422)
        expect(res.json.type).toBe('urn:serval:problem:invalid-input')
        expect(res.json.errors).toEqual([{ path, message: 'must be a finite number' }])
      }
    })

    it('still sums large finite numbers', async () => {
      const res = await send()('POST', '/actions/json-schema-sum', { body: '{"values":[1e300,1e300]}', headers: json })
      expect(res.status).toBe(200)
      expect(res.json).toBe(2e300)
    })

    it('accepts nesting up to max_json_depth and refuses one level more with 400', async () => {
      // The body object is one level: 7 arrays in it make 8.
      const ok = await send()('POST', '/actions/json-schema-sum', { body: `{"values":${nest(7)}}`, headers: json })
      expect(ok.status).toBe(422) // past the parser; then the schema wants numbers
      const deep = await send()('POST', '/actions/json-schema-sum', { body: `{"values":${nest(8)}}`, headers: json })
      expect(deep.status).toBe(400)
      expect(deep.json.type).toBe('urn:serval:problem:bad-request')
      expect(deep.json.detail).toBe('The body nests deeper than 8 levels')
    })

    it('refuses a prototype key with 400 even when the body is also too deep, as when it was checked first', async () => {
      const body = `{"values":${nest(20)},"x":{"__proto__":{"polluted":1}}}`
      const res = await send()('POST', '/actions/json-schema-sum', { body, headers: json })
      expect(res.status).toBe(400)
      expect(res.json.type).toBe('urn:serval:problem:invalid-json')
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })

    it('refuses an escaped __proto__ key and constructor.prototype with 400', async () => {
      for (const body of ['{"\\u005f_proto__":{"a":1}}', '{"values":[1],"constructor":{"prototype":{"a":1}}}']) {
        const res = await send()('POST', '/actions/json-schema-sum', { body, headers: json })
        expect(res.status).toBe(400)
        expect(res.json.detail).toBe('The body is not valid JSON: Object contains forbidden prototype property')
      }
    })

    it('accepts a BOM before the JSON, and a constructor key that is no prototype holder', async () => {
      const bom = await send()('POST', '/actions/json-schema-sum', { body: Buffer.from('\uFEFF{"values":[2]}'), headers: json })
      expect(bom.json).toBe(2)
      const ctor = await send()('POST', '/actions/json-schema-sum', { body: '{"values":[3],"constructor":{"name":"x"}}', headers: json })
      expect(ctor.json).toBe(3)
    })
  },
  { settings: { max_json_depth: 8 } },
)

// Its own server, built inside the test: the parser is registered as the server is built, and a server built in a
// beforeAll (as describeBoth's) covers no test, so Stryker would not run these cases against the parser's mutants.
it('JSON bodies, edge by edge, on a server of their own', async () => {
  const t = await createTestServer({ dirs: [BASIC] }, { max_json_depth: 8 })
  const post = async (path: string, body: string | Uint8Array<ArrayBuffer>, type = 'application/json') => {
    const res = await t.fetch(path, { method: 'POST', headers: { 'content-type': type }, body })
    const text = await res.text()
    return { status: res.status, json: text ? JSON.parse(text) : undefined }
  }
  const sum = (body: string | Uint8Array<ArrayBuffer>) => post('/actions/json-schema-sum', body)
  const POISONED = 'The body is not valid JSON: Object contains forbidden prototype property'
  try {
    expect((await post('/actions/nothing', '')).status).toBe(204) // an empty body is {}
    expect(await sum(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({ status: 400, json: { type: 'urn:serval:problem:invalid-json', detail: 'The body is not valid UTF-8' } })
    const bad = await sum('{"values":')
    expect(bad).toMatchObject({ status: 400, json: { type: 'urn:serval:problem:invalid-json' } })
    expect(bad.json.detail).toMatch(/^The body is not valid JSON: .+/)
    expect(await sum('{"values":[1],"a":{"b":1e400}}')).toMatchObject({ status: 422, json: { errors: [{ path: '/a/b', message: 'must be a finite number' }] } })
    expect(await sum('{"\\u005f_proto__":{"a":1}}')).toMatchObject({ status: 400, json: { detail: POISONED } })
    expect(await sum('{"values":[1],"constructor":{"prototype":{}}}')).toMatchObject({ status: 400, json: { detail: POISONED } })
    // A null is a value, not a level: one at the deepest level allowed passes the parser (then the schema wants numbers).
    expect((await sum(`{"values":${nest(7, 'null')}}`)).status).toBe(422)
    // Only `constructor` holding a `prototype` is refused; `prototype` under another key, or a null constructor, is data.
    expect(await sum('{"values":[3],"x":{"prototype":1}}')).toMatchObject({ status: 200, json: 3 })
    expect(await sum('{"values":[4],"constructor":null}')).toMatchObject({ status: 200, json: 4 })
    // Too deep: a prototype key anywhere still wins (checked over the whole body); anything else is the depth's 400.
    const deep = { status: 400, json: { type: 'urn:serval:problem:bad-request', detail: 'The body nests deeper than 8 levels' } }
    expect(await sum(`{"values":${nest(20)},"x":{"__proto__":{"a":1}}}`)).toMatchObject({ status: 400, json: { detail: POISONED } })
    expect(await sum(`{"values":${nest(20)},"x":{"constructor":{"prototype":{}}}}`)).toMatchObject({ status: 400, json: { detail: POISONED } })
    expect(await sum(`{"values":${nest(20)},"n":null,"constructor":{"name":"x"}}`)).toMatchObject(deep)
    // text/plain is no JSON here: Fastify's own parser for it is removed, so a string body is a 415.
    expect((await post('/actions/json-schema-sum', '{"values":[1]}', 'text/plain')).status).toBe(415)
  } finally {
    await t.close()
  }
})
