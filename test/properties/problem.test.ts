import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action, ActionError, errorCodes, ServalError, toProblem, type ErrorCode } from 'serval'
import { httpApp, type HttpApp } from '../support/http-app.ts'

/** Property tests of problem documents: whatever is thrown, the client gets valid problem+json. */

// The error to throw next; one server, the action throws whatever the property put here.
let next: unknown
const fail = action({}, () => {
  throw next
})

// A schema most JSON breaks, in several places at once: its 422 comes from the pipeline's refusal, made without an error.
const strict = action(
  {
    input: {
      type: 'object',
      properties: { n: { type: 'integer', maximum: 9 }, s: { type: 'string', maxLength: 3 }, 'a/b~c': { type: 'array', items: { type: 'boolean' } } },
      required: ['n'],
      additionalProperties: false,
    },
  },
  () => 'ok',
)

const codes = Object.keys(errorCodes) as ErrorCode[]
const text = fc.string({ unit: 'binary', maxLength: 80 })
// Members the problem itself owns; extensions never carry them (see docs/testing.md).
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'requestId', 'errors', '__proto__'])
const extensions = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !RESERVED.has(k)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
)
const issues = fc.array(fc.record({ path: text, message: text }), { maxLength: 3 })
const servalError = fc.record(
  { code: fc.constantFrom(...codes), detail: fc.option(text, { nil: undefined }), errors: fc.option(issues, { nil: undefined }), extensions: fc.option(extensions, { nil: undefined }) },
  { requiredKeys: ['code'] },
)

let h: HttpApp
let dev: HttpApp
beforeAll(async () => {
  h = await httpApp({ fail, strict })
  dev = await httpApp({ fail, strict }, { dev_mode: true })
})
afterAll(async () => {
  await h.close()
  await dev.close()
})

// Outside dev mode these codes get a generic detail: they come from infrastructure (paths, hosts); the log keeps the real one.
const HIDDEN = new Set(['internal', 'unavailable'])
const genericDetail = (code: string) => toProblem(new ServalError(code as never, { detail: 'anything' }), { devMode: false }).detail

async function thrown(error: unknown, server = h) {
  next = error
  const res = await server.server.inject({ method: 'POST', url: '/actions/fail', payload: {} })
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/)
  return { status: res.statusCode, problem: JSON.parse(res.body) as Record<string, unknown>, body: res.body }
}

describe('problem documents (properties)', () => {
  it('any ServalError is sent with its registry status, type and title, and everything it carries', async () => {
    await fc.assert(
      fc.asyncProperty(servalError, async ({ code, detail, errors, extensions }) => {
        const init = { ...(detail === undefined ? {} : { detail }), ...(errors ? { errors } : {}), ...(extensions ? { extensions } : {}) }
        const { status, problem } = await thrown(new ServalError(code, init))
        const def = errorCodes[code]
        expect(status).toBe(def.status)
        expect(problem).toMatchObject({ type: `urn:serval:problem:${code}`, title: def.title, status: def.status, instance: '/actions/fail' })
        expect(problem.requestId).toEqual(expect.any(String))
        if (HIDDEN.has(code)) expect(problem.detail).toBe(genericDetail(code))
        else if (detail !== undefined) expect(problem.detail).toBe(detail)
        if (errors) expect(problem.errors).toEqual(errors)
        const extras = code === 'invalid-output' ? {} : (extensions ?? {})
        for (const [k, v] of Object.entries(extras)) expect(problem[k]).toEqual(JSON.parse(JSON.stringify(v)))
      }),
      { numRuns: 150 },
    )
  })

  it('a refused input is answered, byte for byte, with the problem every other transport makes of its error, in both modes', async () => {
    const key = fc.oneof(fc.constantFrom('n', 's', 'a/b~c', 'x'), fc.string({ unit: 'binary', maxLength: 6 }))
    const body = fc.oneof(fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), fc.jsonValue({ maxDepth: 1 }))
    let refused = 0
    await fc.assert(
      fc.asyncProperty(body, async (input) => {
        for (const [server, devMode] of [[h, false], [dev, true]] as const) {
          const res = await server.server.inject({ method: 'POST', url: '/actions/strict?q=1', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(input) })
          if (res.statusCode !== 422) continue // valid, or refused by the JSON parser (a __proto__ key)
          refused++
          const error = await server.app.invoke(server.app.registry.get('strict')!, input, { requestId: 'r', trigger: 'test', principal: null }).then(() => undefined, (e: unknown) => e)
          const requestId = String(res.headers['x-request-id'])
          expect(res.body).toBe(JSON.stringify(toProblem(error, { devMode, instance: '/actions/strict', requestId })))
          expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8')
          expect(res.headers['x-functions-version']).toBe(server.app.functionsVersion) // SPEC §7: on every action response, errors included
        }
      }),
      { numRuns: 150 },
    )
    expect(refused).toBeGreaterThan(150)
  })

  it('toProblem gives the same document for any ServalError, without a transport', () => {
    fc.assert(
      fc.property(servalError, text, ({ code, detail }, requestId) => {
        const problem = toProblem(new ServalError(code, detail === undefined ? {} : { detail }), { devMode: false, requestId })
        expect(problem).toEqual({
          type: `urn:serval:problem:${code}`,
          title: errorCodes[code].title,
          status: errorCodes[code].status,
          requestId,
          ...(HIDDEN.has(code) ? { detail: genericDetail(code) } : detail === undefined ? {} : { detail }),
        })
      }),
    )
  })

  it('any ActionError is sent with the status and message the handler chose, and its details', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 400, max: 599 }), text, fc.option(extensions, { nil: undefined }), async (code, message, details) => {
        const { status, problem } = await thrown(new ActionError(code, message, details))
        expect(status).toBe(code)
        expect(problem).toMatchObject({ type: 'urn:serval:problem:action-error', title: message, detail: message, status: code })
        // What the handler sent, as JSON carries it (JSON has no -0).
        if (details) expect(problem.details).toEqual(JSON.parse(JSON.stringify(details)))
      }),
      { numRuns: 100 },
    )
  })

  it('anything else thrown is a 500 that reveals nothing of it outside dev mode, and describes it in dev mode', async () => {
    const marker = fc.stringMatching(/^[A-Za-z]{12}$/)
    const anything = (m: string) => fc.constantFrom<unknown>(new Error(m), new TypeError(m), m, { message: m })
    await fc.assert(
      fc.asyncProperty(marker.chain((m) => fc.tuple(fc.constant(m), anything(m))), async ([m, error]) => {
        const prod = await thrown(error)
        expect(prod.status).toBe(500)
        expect(prod.problem).toMatchObject({ type: 'urn:serval:problem:internal', status: 500 })
        expect(prod.body).not.toContain(m)
        const inDev = await thrown(error, dev)
        expect(inDev.status).toBe(500)
        if (typeof error === 'string' || error instanceof Error) expect(inDev.problem.detail).toContain(m)
      }),
      { numRuns: 40 },
    )
  })
})
