import { expect, it } from 'vitest'
import { describeBoth } from '../../test/support/transports.ts'

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
