import { afterEach, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'

const BASIC = ['test/fixtures/basic']

describe('public_base_url', () => {
  let t: TestServer | undefined
  afterEach(async () => {
    await t?.close()
    t = undefined
  })

  it('is the OpenAPI document\'s server, without a trailing slash', async () => {
    t = await createTestServer({ dirs: BASIC }, { public_base_url: 'https://api.example.com/v1/' })
    const doc = await (await t.fetch('/openapi.json')).json()
    expect(doc.servers).toEqual([{ url: 'https://api.example.com/v1' }])
  })

  it('is where the docs page finds the document and the OAuth2 redirect page', async () => {
    t = await createTestServer({ dirs: BASIC }, { public_base_url: 'https://api.example.com/v1' })
    const script = await (await t.fetch('/docs/static/swagger-initializer.js')).text()
    expect(script).toContain('"url":"https://api.example.com/v1/openapi.json"')
    expect(script).toContain('config.oauth2RedirectUrl = "https://api.example.com/v1/docs/static/oauth2-redirect.html"')
  })

  it('unset, links stay relative to the request: no servers entry, the page\'s own origin', async () => {
    t = await createTestServer({ dirs: BASIC })
    const doc = await (await t.fetch('/openapi.json')).json()
    expect(doc.servers).toBeUndefined()
    const script = await (await t.fetch('/docs/static/swagger-initializer.js')).text()
    expect(script).toContain('"url":"/openapi.json"')
    expect(script).toContain("config.oauth2RedirectUrl = window.location.origin + '/docs/static/oauth2-redirect.html'")
  })
})
