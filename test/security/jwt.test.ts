import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { authExtension } from '../../src/auth/extension.ts'
import { actions, bearer, hs256, SECRET, unsigned } from './support.ts'

const json = { 'content-type': 'application/json' }
let t: TestServer

beforeAll(async () => {
  t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET, default_group_id: 'everyone' })
})
afterAll(() => t.close())

async function call(path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { headers: { ...(token ? bearer(token) : {}), ...headers } }
  if (body !== undefined) Object.assign(init, { method: 'POST', body: JSON.stringify(body), headers: { ...init.headers, ...json } })
  const res = await t.fetch(path, init)
  return { status: res.status, challenge: res.headers.get('www-authenticate'), type: res.headers.get('content-type'), body: await res.json().catch(() => undefined) }
}

describe('auth_mode=jwt: who gets in', () => {
  it('refuses a protected action without a token: 401 + WWW-Authenticate: Bearer', async () => {
    const res = await call('/actions/whoami')
    expect(res).toMatchObject({ status: 401, challenge: 'Bearer' })
    expect(res.type).toMatch(/^application\/problem\+json/)
    expect(res.body).toMatchObject({ type: 'urn:serval:problem:unauthorized', status: 401 })
  })

  it('lets a valid token in and hands the principal to the handler as ctx.auth', async () => {
    const token = await hs256({ sub: 'ada', scope: 'notes:read extra', groups: ['everyone', 'staff'] })
    expect(await call('/actions/whoami', token)).toMatchObject({
      status: 200,
      body: { sub: 'ada', scopes: ['notes:read', 'extra'], groups: ['everyone', 'staff'], groupId: 'everyone' },
    })
  })

  it.each([
    ['expired', () => hs256({ sub: 'ada' }, { expS: -120 }), 'expired'],
    ['signed with another secret', () => hs256({ sub: 'ada' }, { secret: 'another-secret-of-enough-length-000000' }), 'signature'],
    ['alg: none', async () => unsigned({ sub: 'ada' }), 'algorithm'],
    ['not a JWT at all', async () => 'not.a.jwt', 'malformed'],
  ])('refuses a token that is %s with 401 invalid_token, never a 500', async (_name, make, why) => {
    const res = await call('/actions/whoami', await make())
    expect(res.status).toBe(401)
    expect(res.challenge).toMatch(/^Bearer error="invalid_token", error_description=".+"$/)
    expect(res.body.detail).toContain(why)
  })

  it('verifies a token sent to a public action too; without one the public action answers', async () => {
    expect(await call('/actions/ping')).toMatchObject({ status: 200, body: { sub: null } })
    expect(await call('/actions/ping', await hs256({ sub: 'bob' }))).toMatchObject({ status: 200, body: { sub: 'bob' } })
    expect((await call('/actions/ping', await hs256({ sub: 'bob' }, { expS: -120 }))).status).toBe(401)
  })

  it('refuses an Authorization header that is not "Bearer <token>"', async () => {
    for (const authorization of ['Basic YWRhOnB3', 'Bearer', 'Bearer   ']) {
      const res = await call('/actions/ping', undefined, undefined, { authorization })
      expect(res).toMatchObject({ status: 401 })
      expect(res.challenge).toContain('error="invalid_request"')
    }
  })

  it('checks the token before the input: no token and a bad input is still a 401', async () => {
    expect((await call('/actions/write-note', undefined, { text: 42 })).status).toBe(401)
  })
})

describe('auth_mode=jwt: scopes and predicates', () => {
  it('needs every listed scope: missing one is a 403 naming it', async () => {
    const res = await call('/actions/write-note', await hs256({ sub: 'ada', scope: 'notes:read' }), { text: 'hi' })
    expect(res).toMatchObject({ status: 403, body: { type: 'urn:serval:problem:forbidden' } })
    expect(res.body.detail).toContain('notes:write')
    expect(res.challenge).toContain('error="insufficient_scope"')
  })

  it('accepts scopes from scope, scp or scopes', async () => {
    for (const claims of [{ scope: 'notes:write notes:read' }, { scp: ['notes:write', 'notes:read'] }, { scopes: ['notes:read'], scp: 'notes:write' }]) {
      expect(await call('/actions/write-note', await hs256({ sub: 'ada', ...claims }), { text: 'hi' })).toMatchObject({ status: 200, body: 'hi' })
    }
  })

  it('runs a predicate with the principal and the validated input', async () => {
    const token = await hs256({ sub: 'ada' })
    expect(await call('/actions/own-note', token, { owner: 'ada' })).toMatchObject({ status: 200, body: 'note of ada' })
    expect((await call('/actions/own-note', token, { owner: 'bob' })).status).toBe(403)
    expect((await call('/actions/own-note', token, { owner: 7 })).status).toBe(422)
    expect((await call('/actions/own-note', undefined, { owner: 'ada' })).status).toBe(401)
  })
})

describe('groups', () => {
  let g: TestServer
  beforeAll(async () => {
    g = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET, allowed_groups: 'staff,ops' })
  })
  afterAll(() => g.close())
  const who = async (token: string, group?: string) => {
    const res = await g.fetch('/actions/whoami', { headers: { ...bearer(token), ...(group ? { 'x-group-id': group } : {}) } })
    return { status: res.status, body: await res.json() }
  }

  it('rejects a principal in none of allowed_groups with 403, public actions stay open', async () => {
    const outsider = await hs256({ sub: 'eve', groups: ['guests'] })
    expect(await who(outsider)).toMatchObject({ status: 403, body: { detail: expect.stringContaining('allowed groups') } })
    expect((await g.fetch('/actions/ping', { headers: bearer(outsider) })).status).toBe(200)
  })

  it('takes X-Group-Id as principal.groupId when it is one of the token groups and allowed', async () => {
    const member = await hs256({ sub: 'ada', groups: ['staff', 'ops', 'guests'] })
    expect(await who(member, 'ops')).toMatchObject({ status: 200, body: { groupId: 'ops' } })
    expect((await who(member, 'admins')).status).toBe(403) // not the token's group: a header cannot grant membership
    expect((await who(member, 'guests')).status).toBe(403) // the token's, but not allowed
    expect((await who(member)).body.groupId).toBeUndefined()
  })
})

describe('jwt settings', () => {
  it('outside dev mode, a missing jwt_secret is a startup error naming SERVAL_JWT_SECRET', async () => {
    await expect(createApp({ actions, settings: { auth_mode: 'jwt', log_level: 'silent' }, extensions: [authExtension()] })).rejects.toThrow(/SERVAL_JWT_SECRET/)
  })

  it('without the auth extension or a security, auth_mode=jwt refuses to start rather than run open', async () => {
    await expect(createApp({ actions, settings: { auth_mode: 'jwt', jwt_secret: SECRET, log_level: 'silent' } })).rejects.toThrow(/SERVAL_AUTH_MODE.*auth extension/)
  })

  it('in dev mode, a secret is generated: the server starts and still refuses anonymous calls', async () => {
    const dev = await createTestServer({ actions }, { auth_mode: 'jwt', dev_mode: true })
    try {
      expect((await dev.fetch('/actions/whoami')).status).toBe(401)
      expect((await dev.fetch('/actions/whoami', { headers: bearer(await hs256({ sub: 'x' })) })).status).toBe(401)
    } finally {
      await dev.close()
    }
  })
})
