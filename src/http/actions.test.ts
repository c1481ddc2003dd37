import { expect, it } from 'vitest'
import { describeBoth } from '../../test/support/transports.ts'

const PROBLEM = /^application\/problem\+json/

describeBoth('invoking actions over HTTP', (send) => {
  it('answers 200 with the output serialised through its schema, dropping extra fields', async () => {
    const res = await send()('POST', '/actions/echo', { body: { name: 'Ada', age: 36 } })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json).toEqual({ name: 'Ada', age: 36 })
    expect(res.text).not.toContain('never sent')
  })

  it('drops extra fields for Standard Schema outputs too', async () => {
    const res = await send()('POST', '/actions/zod-greet', { body: { name: 'Bo' } })
    expect(res.json).toEqual({ greeting: 'hi Bo' })
  })

  it('validates with valibot and plain JSON Schema', async () => {
    expect((await send()('POST', '/actions/valibot-greet', { body: { name: 'Cy' } })).json).toEqual({ greeting: 'hi Cy' })
    const bad = await send()('POST', '/actions/valibot-greet', { body: { name: 'toolong' } })
    expect(bad.status).toBe(422)
    expect(bad.json.errors[0].path).toBe('/name')
    expect((await send()('POST', '/actions/json-schema-sum', { body: { values: [1, 2, 3.5] } })).json).toBe(6.5)
  })

  it('sends X-Functions-Version on every answer of an action route, problems included (SPEC §7)', async () => {
    const version = (await send()('GET', '/_sys/info')).json.functionsVersion as string
    expect(version).toMatch(/^z/)
    const answers = [
      await send()('POST', '/actions/echo', { body: { name: 'Ada' } }), // 200
      await send()('POST', '/actions/echo', { body: { name: 1 } }), // 422, refused by the schema
      await send()('POST', '/actions/teapot', { body: {} }), // 418, thrown by the handler
      await send()('POST', '/actions/explode', { body: {} }), // 500
      await send()('POST', '/actions/echo', { body: 'not json', headers: { 'content-type': 'text/plain' } }), // 415, before the handler
    ]
    expect(answers.map((r) => r.status)).toEqual([200, 422, 418, 500, 415])
    for (const r of answers) expect(r.headers['x-functions-version']).toBe(version)
    // A URL no action answers is not an action's response.
    expect((await send()('GET', '/actions/no-such-action')).headers['x-functions-version']).toBeUndefined()
  })

  it('coerces GET query strings through the schema: numbers, booleans, repeated keys, nested keys', async () => {
    const res = await send()('GET', '/actions/search?q=cats&page=2&exact=true&tags=a&tags=b&filter[min]=1.5&filter.max=9')
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ q: 'cats', page: 2, exact: true, tags: ['a', 'b'], filter: { min: 1.5, max: 9 } })
  })

  it('answers 422 naming the key when a query gives it both as a value and as an object', async () => {
    const res = await send()('GET', '/actions/search?q=x&filter=1&filter[min]=2')
    expect(res.status).toBe(422)
    expect(res.headers['content-type']).toMatch(PROBLEM)
    expect(res.json.errors[0].path).toBe('/filter')
  })

  it('keeps a single value of an array field as a one-item array', async () => {
    expect((await send()('GET', '/actions/search?q=x&tags=only')).json.tags).toEqual(['only'])
  })

  it('rejects query text that is not what the schema wants with 422', async () => {
    const res = await send()('GET', '/actions/search?q=x&page=two&exact=maybe')
    expect(res.status).toBe(422)
    expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/exact', '/page'])
  })

  it('never coerces a JSON body: numbers, nulls and extra properties are 422 with every failing path', async () => {
    const res = await send()('POST', '/actions/echo', { body: { name: 123, age: null, extra: true } })
    expect(res.status).toBe(422)
    expect(res.headers['content-type']).toMatch(PROBLEM)
    expect(res.json).toMatchObject({ type: 'urn:serval:problem:invalid-input', title: 'Invalid input', status: 422, instance: '/actions/echo' })
    expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/age', '/extra', '/name'])
    expect(res.json.detail).toMatch(/\(and 2 more\)/)
  })

  it('reports a missing required property at its own path', async () => {
    const res = await send()('POST', '/actions/echo', { body: {} })
    expect(res.json.errors).toEqual([{ path: '/name', message: expect.stringContaining('name') }])
  })

  it('treats a POST with no body as {} and JSON with a charset as JSON', async () => {
    expect((await send()('POST', '/actions/echo')).status).toBe(422) // {} lacks name: validated, not a 400
    const res = await send()('POST', '/actions/echo', { body: '{"name":"Ada"}', headers: { 'content-type': 'application/json; charset=utf-8' } })
    expect(res.json).toEqual({ name: 'Ada' })
  })

  it('answers 204 for a void output', async () => {
    const res = await send()('POST', '/actions/nothing')
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
  })

  it('answers 400 for malformed JSON and 415 for other content types', async () => {
    const bad = await send()('POST', '/actions/echo', { body: '{"name":', headers: { 'content-type': 'application/json' } })
    expect(bad.status).toBe(400)
    expect(bad.json.type).toBe('urn:serval:problem:invalid-json')
    const wrong = await send()('POST', '/actions/echo', { body: 'name=Ada', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(wrong.status).toBe(415)
    expect(wrong.headers['content-type']).toMatch(PROBLEM)
  })

  it('answers 404 for an unknown action and 405 with Allow for a wrong method', async () => {
    const missing = await send()('POST', '/actions/no-such-thing')
    expect(missing.status).toBe(404)
    expect(missing.json.type).toBe('urn:serval:problem:not-found')
    const wrong = await send()('POST', '/actions/search')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.allow).toBe('GET, HEAD')
    expect((await send()('GET', '/actions/offline')).status).toBe(404)
  })

  it('names the path it answers for in a problem\'s instance, without the query', async () => {
    const missing = await send()('GET', '/actions/no-such-thing?x=1')
    expect(missing.json.instance).toBe('/actions/no-such-thing')
    const refused = await send()('POST', '/actions/echo?x=1', { body: { name: 'far too long a name' } })
    expect(refused.status).toBe(422)
    expect(refused.json.instance).toBe('/actions/echo')
  })

  it('sends an ActionError with its status, message and details', async () => {
    const res = await send()('POST', '/actions/teapot')
    expect(res.status).toBe(418)
    expect(res.json).toMatchObject({ title: 'I am a teapot', detail: 'I am a teapot', details: { brew: 'earl grey' } })
  })

  it('hides internal errors outside dev mode', async () => {
    const res = await send()('POST', '/actions/explode')
    expect(res.status).toBe(500)
    expect(res.text).not.toContain('secret internals')
    expect(res.json.requestId).toBe(res.headers['x-request-id'])
  })

  it('answers 500 when the output breaks its schema, without sending it', async () => {
    expect((await send()('POST', '/actions/long-text')).status).toBe(500)
    const res = await send()('POST', '/actions/bad-output')
    expect(res.status).toBe(500)
    expect(res.json.type).toBe('urn:serval:problem:invalid-output')
    expect(res.text).not.toContain('not a number')
  })

  it('sends binary outputs as files with their content type', async () => {
    const res = await send()('GET', '/actions/bytes')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.headers['content-disposition']).toBe('attachment; filename="doc.pdf"')
    expect(res.text).toBe('%PDF-1.4')
  })

  it('puts X-Request-Id on every response, echoing the client one', async () => {
    const ids = new Set<unknown>()
    for (const path of ['/actions/echo', '/nowhere', '/_sys/health', '/actions/echo']) {
      const res = await send()('GET', path)
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{10}-[0-9a-z]+$/)
      ids.add(res.headers['x-request-id'])
    }
    expect(ids.size).toBe(4)
    const res = await send()('POST', '/actions/echo', { body: { name: 'x' }, headers: { 'x-request-id': 'abc-123' } })
    expect(res.headers['x-request-id']).toBe('abc-123')
  })

  it('answers 413 for a body over the limit', async () => {
    const res = await send()('POST', '/actions/echo', { body: { name: 'x'.repeat(2048) } })
    expect(res.status).toBe(413)
    expect(res.json.type).toBe('urn:serval:problem:payload-too-large')
  })
}, { settings: { body_limit: 1024 } })

describeBoth('dev mode', (send) => {
  it('shows internal error details', async () => {
    const res = await send()('POST', '/actions/explode')
    expect(res.status).toBe(500)
    expect(res.json.detail).toContain('secret internals')
  })
}, { settings: { dev_mode: true } })

describeBoth('validate_output=false', (send) => {
  it('skips the output check but still serialises through the schema', async () => {
    const echo = await send()('POST', '/actions/echo', { body: { name: 'Ada' } })
    expect(echo.json).toEqual({ name: 'Ada' })
    const long = await send()('POST', '/actions/long-text')
    expect(long.status).toBe(200)
    expect(long.json).toBe('too long')
  })
}, { settings: { validate_output: false } })
