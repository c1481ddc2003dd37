import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'

describe('/docs/static/:file', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ dirs: ['test/fixtures/basic'] })
  })
  afterAll(() => t.close())

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'])(
    'answers the prototype key %s with a 404 problem, not a 500',
    async (name) => {
      const res = await t.fetch(`/docs/static/${name}`)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(await res.json()).toMatchObject({ type: 'urn:serval:problem:not-found' })
    },
  )

  it('still serves the real assets', async () => {
    const res = await t.fetch('/docs/static/swagger-ui.css')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/css/)
  })
})
