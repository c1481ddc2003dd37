import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
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
    expect(issuer.discoveryAccept).toBe('application/json')
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

  it.each([
    [0, 200, 1],
    [60, 401, 0],
  ])('with oidc_jwks_cooldown_s=%i, a new kid right after the first fetch answers %i (%i more fetches)', async (cooldown, status, more) => {
    // Discovery and the key set's first fetch run in this test: the cooldown is set when the key set is made.
    const own = await startIssuer()
    const { s, call } = await serverOf(own, { oidc_jwks_cooldown_s: cooldown })
    try {
      expect((await call()).status).toBe(200)
      await own.rotate()
      const before = own.jwksFetches
      expect((await call()).status).toBe(status)
      expect(own.jwksFetches).toBe(before + more)
    } finally {
      await s.close()
      await own.close()
    }
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

  it('answers 503 when a new kid needs the key set and the issuer is down: not 401 (the token may be fine)', async () => {
    const flaky = await startIssuer()
    const { s, call } = await serverOf(flaky, { oidc_jwks_cooldown_s: 0 })
    try {
      expect((await call()).status).toBe(200)
      await flaky.rotate()
      flaky.down(true)
      const res = await call()
      expect(res.status).toBe(503)
      expect(res.body.type).toBe('urn:serval:problem:unavailable')
    } finally {
      await s.close()
      await flaky.close()
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

/** A server verifying against `iss`, and a whoami with a token `iss` signed. */
async function serverOf(iss: TestIssuer, settings: Record<string, unknown> = {}) {
  const s = await createTestServer({ actions }, { auth_mode: 'oidc', oidc_url: iss.url, ...settings })
  const call = async (claims = {}, options = {}) => {
    const res = await s.fetch('/actions/whoami', { headers: bearer(await iss.sign({ sub: 'ada', ...claims }, options)) })
    return { status: res.status, body: await res.json() }
  }
  return { s, call }
}

describe('the algorithms an issuer may sign with', () => {
  // Every asymmetric JWS algorithm (docs/auth.md: RS/PS/ES/EdDSA); issuers pick one, so each one missing would lock out theirs.
  const algorithms = ['RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']
  let many: TestIssuer
  let server: Awaited<ReturnType<typeof serverOf>>
  beforeAll(async () => {
    many = await startIssuer('serval-api', algorithms)
    server = await serverOf(many)
  })
  afterAll(async () => {
    await server.s.close()
    await many.close()
  })

  it.each(algorithms)('accepts a token signed with %s', async (alg) => {
    expect(await server.call({}, { alg })).toMatchObject({ status: 200, body: { sub: 'ada' } })
  })
})

describe('a discovery document Serval cannot use', () => {
  let broken: TestIssuer
  beforeAll(async () => {
    broken = await startIssuer()
  })
  afterAll(() => broken.close())

  // Each is the issuer's fault, not the token's: 503 unavailable (docs/auth.md), never 401 or 500.
  it.each([
    ['a non-ok answer, even with a usable document', 503, (url: string) => ({ issuer: url, jwks_uri: `${url}/jwks` })],
    ['no issuer', 200, (url: string) => ({ jwks_uri: `${url}/jwks` })],
    ['an issuer that is not a string', 200, (url: string) => ({ issuer: 42, jwks_uri: `${url}/jwks` })],
    ['no jwks_uri', 200, (url: string) => ({ issuer: url })],
    ['a jwks_uri that is not a string (a list holding a URL)', 200, (url: string) => ({ issuer: url, jwks_uri: [`${url}/jwks`] })],
    ['a jwks_uri that is not a URL', 200, (url: string) => ({ issuer: url, jwks_uri: 'jwks' })],
  ])('%s: 503, the issuer could not be reached', async (_name, status, body) => {
    broken.discovery({ status, body: body(broken.url) })
    const { s, call } = await serverOf(broken)
    try {
      const res = await call()
      expect(res.status).toBe(503)
      expect(res.body.type).toBe('urn:serval:problem:unavailable')
    } finally {
      await s.close()
    }
  })
})

describe('the discovery document', () => {
  let iss: TestIssuer
  beforeAll(async () => {
    iss = await startIssuer()
  })
  afterAll(() => iss.close())
  afterEach(() => vi.useRealTimers())

  it("names the issuer tokens must carry: its `issuer`, not oidc_url, when the two differ", async () => {
    iss.discovery({ status: 200, body: { issuer: 'https://id.example.com', jwks_uri: `${iss.url}/jwks` } })
    const { s, call } = await serverOf(iss)
    try {
      expect((await call({}, { issuer: 'https://id.example.com' })).status).toBe(200)
      const res = await call({}, { issuer: iss.url })
      expect(res.status).toBe(401)
      expect(res.body.detail).toContain('"iss"')
    } finally {
      await s.close()
    }
  })

  it('is found under an oidc_url with trailing slashes (one document URL, in discovery and in the docs)', async () => {
    iss.discovery(undefined)
    const { s, call } = await serverOf(iss, { oidc_url: `${iss.url}//` })
    try {
      expect((await call()).status).toBe(200)
      const doc = await (await s.fetch('/openapi.json')).json()
      expect(doc.components.securitySchemes.oidc.openIdConnectUrl).toBe(`${iss.url}/.well-known/openid-configuration`)
    } finally {
      await s.close()
    }
  })

  it('is asked for again 5 s after a failed discovery, not before', async () => {
    iss.discovery(undefined)
    const now = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now })
    iss.down(true)
    const { s, call } = await serverOf(iss)
    try {
      expect((await call()).status).toBe(503)
      iss.down(false)
      const asked = iss.discoveries
      vi.setSystemTime(now + 4_999)
      expect((await call()).status).toBe(503)
      expect(iss.discoveries).toBe(asked)
      vi.setSystemTime(now + 5_000)
      expect((await call()).status).toBe(200)
      expect(iss.discoveries).toBe(asked + 1)
    } finally {
      await s.close()
    }
  })
})
