import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action } from 'serval'
import { httpApp, type HttpApp } from '../support/http-app.ts'

/** Property tests of the JSON body parser and its depth limit, through the HTTP server. */

const echo = action({ input: { type: 'object' } }, (input) => input)
const measure = action({ input: { type: 'object', properties: { r: { type: 'number' } }, required: ['r'] } }, (input) => input)
const DEPTHS = [1, 2, 5, 16] as const
const servers = new Map<number, HttpApp>()

beforeAll(async () => {
  for (const d of DEPTHS) servers.set(d, await httpApp({ echo, measure }, { max_json_depth: d }))
})
afterAll(async () => {
  for (const h of servers.values()) await h.close()
})

function post(maxDepth: number, payload: string, url = '/actions/echo') {
  return servers.get(maxDepth)!.server.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })
}

/** An object holding `kinds.length` more containers, one inside the other (true: an array, false: an object). */
const nestedBody = (kinds: boolean[]): string =>
  `{"k":${kinds.reduceRight((inner, isArray) => (isArray ? `[${inner}]` : `{"k":${inner}}`), '1')}}`

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0
  const children = Object.values(value as Record<string, unknown>)
  return 1 + Math.max(0, ...children.map(depthOf))
}

// Keys the parser refuses on purpose (prototype pollution); they have their own tests.
const safeJson = fc.jsonValue().filter((v) => !/"(__proto__|constructor|prototype)"/.test(JSON.stringify(v)))

describe('JSON bodies (properties)', () => {
  it('any JSON object within the depth limit reaches the handler unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(safeJson, async (value) => {
        const body = { v: value }
        const res = await post(16, JSON.stringify(body))
        if (depthOf(body) > 16) return void expect(res.statusCode).toBe(400)
        expect(res.statusCode, res.body).toBe(200)
        expect(res.json()).toEqual(JSON.parse(JSON.stringify(body)))
      }),
      { numRuns: 150 },
    )
  })

  it('a body is refused with 400 exactly when it nests deeper than max_json_depth', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...DEPTHS), fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), async (maxDepth, kinds) => {
        const body = nestedBody(kinds)
        const depth = kinds.length + 1
        const res = await post(maxDepth, body)
        if (depth <= maxDepth) return void expect(res.statusCode, body).toBe(200)
        expect(res.statusCode, body).toBe(400)
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
        expect(res.json()).toMatchObject({ type: 'urn:serval:problem:bad-request', detail: `The body nests deeper than ${maxDepth} levels` })
      }),
      { numRuns: 150 },
    )
  })

  it('the limit counts containers, not characters: long flat bodies pass', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string(), { minLength: 1, maxLength: 50 }), async (strings) => {
        // {"list":[...]} is two levels however long: over a limit of 1, within 2.
        expect((await post(1, JSON.stringify({ list: strings }))).statusCode).toBe(400)
        expect((await post(2, JSON.stringify({ list: strings }))).statusCode).toBe(200)
      }),
      { numRuns: 30 },
    )
  })

  it('any text that is not JSON is a 400 invalid-json problem, never a 500', async () => {
    const notJson = fc.string({ minLength: 1 }).filter((t) => {
      try {
        JSON.parse(t)
        return false
      } catch {
        return true
      }
    })
    await fc.assert(
      fc.asyncProperty(notJson, async (text) => {
        const res = await post(16, text)
        expect(res.statusCode).toBe(400)
        expect(res.json()).toMatchObject({ status: 400, type: 'urn:serval:problem:invalid-json' })
      }),
      { numRuns: 100 },
    )
  })

  // Defect (issue 17, fixed by another branch): JSON.parse turns 1e400 into
  // Infinity, which passed the number schema and came back as null. The lead
  // flips this to `it` after merging that fix.
  it('a non-finite number in a JSON body is a 422', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('1e400', '-1e400', '1e999', '9'.repeat(400)), async (text) => {
        const res = await post(16, `{"r":${text}}`, '/actions/measure')
        expect(res.statusCode).toBe(422)
        expect(res.json().errors[0].path).toBe('/r')
      }),
    )
  })
})
