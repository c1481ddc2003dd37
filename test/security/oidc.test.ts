import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { startIssuer, type TestIssuer } from './issuer.ts'
import { actions, bearer, hs256 } from './support.ts'

let issuer: TestIssuer
let t: TestServer

beforeAll(async () => {
  issuer = await startIssuer('serval-api')
  // Cooldown 0: a token with an unknown kid may refetch the JWKS at once (the default is 30 s).
  t = await createTestServer({ actions }, { auth_mode: 'oidc', oidc_url: issuer.url, oidc_audience: 'serval-api', oidc_jwks_cooldown_s: 0, oidc_client_id: 'docs-ui' })
})
afterAll(async () => {
  await t.close()
  await issuer.close()
})

const who = async (token: string) => {
  const res = await t.fetch('/actions/whoami', { headers: bearer(token) })
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() }
}

describe('auth_mode=oidc against a real local issuer', () => {
  it('accepts a token of the issuer (discovery + JWKS) and caches the key set', async () => {
    const res = await who(await issuer.sign({ sub: 'ada', scope: 'read', groups: ['staff'] }))
    expect(res).toMatchObject({ status: 200, body: { sub: 'ada', scopes: ['read'], groups: ['staff'] } })
    const fetches = issuer.jwksFetches
    expect((await who(await issuer.sign({ sub: 'bob' }))).status).toBe(200)
    expect(issuer.jwksFetches).toBe(fetches)
  })

  it.each([
    ['another issuer', { issuer: 'https://evil.example.com' }, '"iss"'],
    ['another audience', { audience: 'other-api' }, '"aud"'],
    ['a key the issuer does not publish', { unpublished: true }, 'No key'],
    ['an expiry in the past', { expS: -600 }, 'expired'],
  ])('refuses a token with %s: 401 invalid_token', async (_name, options, why) => {
    const res = await who(await issuer.sign({ sub: 'ada' }, options))
    expect(res.status).toBe(401)
    expect(res.challenge).toContain('error="invalid_token"')
    expect(res.body.detail).toContain(why)
  })

  it('refuses an HS256 token (no shared secret is ever trusted under OIDC)', async () => {
    expect((await who(await hs256({ sub: 'ada', iss: issuer.url, aud: 'serval-api' }))).status).toBe(401)
  })

  it('follows key rotation: a token with a new kid makes the JWKS refetch and passes', async () => {
    await issuer.rotate()
    const before = issuer.jwksFetches
    expect((await who(await issuer.sign({ sub: 'carol' }))).status).toBe(200)
    expect(issuer.jwksFetches).toBe(before + 1)
  })

  it('documents an openIdConnect scheme the docs UI discovers, with its client id', async () => {
    const doc = await (await t.fetch('/openapi.json')).json()
    expect(doc.components.securitySchemes.oidc).toEqual({ type: 'openIdConnect', openIdConnectUrl: `${issuer.url}/.well-known/openid-configuration` })
    expect(doc.paths['/actions/write-note'].post.security).toEqual([{ bearer: [] }, { oidc: ['notes:write', 'notes:read'] }])
    const init = await (await t.fetch('/docs/static/swagger-initializer.js')).text()
    expect(init).toContain('docs-ui')
    expect((await t.fetch('/docs/static/index.html')).headers.get('content-security-policy')).toContain(`connect-src 'self' ${issuer.url}`)
  })
})

describe('when the issuer is down', () => {
  it('answers 503 (retry later) before discovery could run: not 401, never 500', async () => {
    const down = await startIssuer()
    const s = await createTestServer({ actions }, { auth_mode: 'oidc', oidc_url: down.url })
    try {
      const token = await down.sign({ sub: 'ada' })
      down.down(true)
      const res = await s.fetch('/actions/whoami', { headers: bearer(token) })
      expect(res.status).toBe(503)
      expect((await res.json()).type).toBe('urn:serval:problem:unavailable')
      expect((await s.fetch('/actions/ping')).status).toBe(200)
    } finally {
      await s.close()
      await down.close()
    }
  })

  it('keeps verifying with the cached key set through an outage', async () => {
    const flaky = await startIssuer()
    const s = await createTestServer({ actions }, { auth_mode: 'oidc', oidc_url: flaky.url })
    try {
      expect((await s.fetch('/actions/whoami', { headers: bearer(await flaky.sign({ sub: 'ada' })) })).status).toBe(200)
      flaky.down(true)
      expect((await s.fetch('/actions/whoami', { headers: bearer(await flaky.sign({ sub: 'bob' })) })).status).toBe(200)
    } finally {
      await s.close()
      await flaky.close()
    }
  })
})
