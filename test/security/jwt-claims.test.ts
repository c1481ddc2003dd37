import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { actions, bearer, hs256, SECRET } from './support.ts'

async function status(t: TestServer, path: string, token: string) {
  const res = await t.fetch(path, { headers: bearer(token) })
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() }
}

describe('auth_mode=jwt: every token names its caller', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET })
  })
  afterAll(() => t.close())

  it.each([
    ['no sub', {}],
    ['an empty sub', { sub: '' }],
    ['a sub that is not text', { sub: 42 }],
  ])('refuses a token with %s (401), even on a public action or the jobs listing', async (_name, claims) => {
    const token = await hs256({ scope: 'notes:read', ...claims } as never)
    for (const path of ['/actions/whoami', '/actions/ping', '/jobs']) {
      const res = await status(t, path, token)
      expect(res.status).toBe(401)
      expect(res.challenge).toContain('error="invalid_token"')
      expect(res.body.detail).toContain('"sub"')
    }
  })

  it.each(['serval-dev', 'serval-debug'])('refuses a token whose iss is the dev issuer %s outside dev mode, whatever its signature', async (iss) => {
    const res = await status(t, '/actions/whoami', await hs256({ sub: 'ada', iss }))
    expect(res.status).toBe(401)
    expect(res.body.detail).toMatch(/dev mode/)
  })

  it('without jwt_issuer or jwt_audience, accepts any other iss and aud', async () => {
    expect((await status(t, '/actions/whoami', await hs256({ sub: 'ada', iss: 'elsewhere', aud: 'anyone' }))).status).toBe(200)
  })
})

describe('auth_mode=jwt with jwt_issuer and jwt_audience', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET, jwt_issuer: 'https://login.example.com', jwt_audience: 'notes-api' })
  })
  afterAll(() => t.close())

  it('accepts a token from that issuer for that audience', async () => {
    const token = await hs256({ sub: 'ada', iss: 'https://login.example.com', aud: ['other', 'notes-api'] })
    expect((await status(t, '/actions/whoami', token)).body).toMatchObject({ sub: 'ada' })
  })

  it.each([
    ['no iss', { aud: 'notes-api' }, 'iss'],
    ['another iss', { iss: 'https://evil.example.com', aud: 'notes-api' }, 'iss'],
    ['no aud', { iss: 'https://login.example.com' }, 'aud'],
    ['another aud', { iss: 'https://login.example.com', aud: 'billing-api' }, 'aud'],
  ])('refuses a token with %s (401 invalid_token naming the claim)', async (_name, claims, claim) => {
    const res = await status(t, '/actions/whoami', await hs256({ sub: 'ada', ...claims }))
    expect(res.status).toBe(401)
    expect(res.challenge).toContain('error="invalid_token"')
    expect(res.body.detail).toContain(`"${claim}"`)
  })
})

describe('dev mode: the token endpoint is its own issuer', () => {
  let t: TestServer
  const form = (password: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: 'ada', password }).toString(),
  })
  beforeAll(async () => {
    t = await createTestServer({ actions }, { auth_mode: 'jwt', dev_mode: true, jwt_secret: SECRET, debug_password: 'pw', jwt_audience: 'notes-api' })
  })
  afterAll(() => t.close())

  it('signs with a key that is not jwt_secret, as iss serval-dev, for jwt_audience', async () => {
    const { access_token: token } = await (await t.fetch('/auth/token', form('pw'))).json()
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
    expect(payload).toMatchObject({ iss: 'serval-dev', aud: 'notes-api', sub: 'ada' })
    expect((await status(t, '/actions/whoami', token)).status).toBe(200)
    const { jwtVerify } = await import('jose')
    await expect(jwtVerify(token, new TextEncoder().encode(SECRET))).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
  })

  it('refuses a hand-made serval-dev token signed with jwt_secret, and still takes real tokens', async () => {
    expect((await status(t, '/actions/whoami', await hs256({ sub: 'ada', iss: 'serval-dev', aud: 'notes-api' }))).status).toBe(401)
    expect((await status(t, '/actions/whoami', await hs256({ sub: 'ada', aud: 'notes-api' }))).status).toBe(200)
  })
})
