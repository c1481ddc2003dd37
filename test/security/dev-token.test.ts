import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { authExtension } from '../../src/auth/index.ts'
import { actions, bearer, SECRET } from './support.ts'

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})

describe('dev mode: POST /auth/token (OAuth2 password grant)', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions }, { auth_mode: 'jwt', dev_mode: true, debug_password: 'let-me-in', oauth2_scopes: 'profile' })
  })
  afterAll(() => t.close())

  it('issues a bearer token with the requested scopes that the actions accept', async () => {
    const res = await t.fetch('/auth/token', form({ grant_type: 'password', username: 'ada', password: 'let-me-in', scope: 'notes:write notes:read' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await res.json()
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'notes:write notes:read' })
    expect(decodeProtectedHeader(body.access_token)).toEqual({ alg: 'HS256', typ: 'JWT' })
    const who = await t.fetch('/actions/whoami', { headers: bearer(body.access_token) })
    expect(await who.json()).toMatchObject({ sub: 'ada', scopes: ['notes:write', 'notes:read'] })
    const write = await t.fetch('/actions/write-note', { method: 'POST', headers: { ...bearer(body.access_token), 'content-type': 'application/json' }, body: '{"text":"x"}' })
    expect(write.status).toBe(200)
  })

  it('answers a wrong password or grant with a 400 problem that is also an OAuth2 error', async () => {
    const wrong = await t.fetch('/auth/token', form({ grant_type: 'password', username: 'ada', password: 'nope' }))
    expect(wrong.status).toBe(400)
    // error_description is the problem's detail: what an OAuth2 client shows its user.
    expect(await wrong.json()).toMatchObject({ type: 'urn:serval:problem:invalid-grant', error: 'invalid_grant', error_description: 'Wrong username or password' })
    const grant = await t.fetch('/auth/token', form({ grant_type: 'client_credentials', username: 'ada', password: 'let-me-in' }))
    expect(await grant.json()).toMatchObject({
      status: 400,
      type: 'urn:serval:problem:unsupported-grant-type',
      error: 'unsupported_grant_type',
      error_description: 'grant_type must be "password", got "client_credentials"',
    })
    const none = await t.fetch('/auth/token', form({ username: 'ada', password: 'let-me-in' }))
    expect((await none.json()).error_description).toBe('grant_type must be "password", got null')
    const nobody = await t.fetch('/auth/token', form({ grant_type: 'password', password: 'let-me-in' }))
    expect(await nobody.json()).toMatchObject({ status: 400, type: 'urn:serval:problem:bad-request', error: 'invalid_request' })
  })

  it('takes usernames of up to 200 characters, and the groups asked for', async () => {
    const name = 'a'.repeat(200)
    const res = await t.fetch('/auth/token', form({ grant_type: 'password', username: name, password: 'let-me-in', groups: 'staff  ops' }))
    expect(res.status).toBe(200)
    const who = await t.fetch('/actions/whoami', { headers: bearer((await res.json()).access_token) })
    expect(await who.json()).toMatchObject({ sub: name, scopes: [], groups: ['staff', 'ops'] })
    const long = await t.fetch('/auth/token', form({ grant_type: 'password', username: `${name}a`, password: 'let-me-in' }))
    expect(long.status).toBe(400)
    expect(await long.json()).toMatchObject({ error: 'invalid_request', error_description: 'username is required (at most 200 characters)' })
  })

  it('takes form bodies only (415 otherwise), and actions still refuse form bodies', async () => {
    const asJson = await t.fetch('/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"password"}' })
    expect(asJson.status).toBe(415)
    const formToAction = await t.fetch('/actions/ping', form({ a: '1' }))
    expect(formToAction.status).toBe(415)
  })

  it('wires the docs UI "Authorize": an OAuth2 password flow at /auth/token with every scope', async () => {
    const doc = await (await t.fetch('/openapi.json')).json()
    expect(doc.components.securitySchemes.devToken.flows.password).toEqual({
      tokenUrl: '/auth/token',
      scopes: { profile: 'profile', 'notes:write': 'Required by writeNote', 'notes:read': 'Required by writeNote' },
    })
    expect(doc.paths['/actions/ping'].get.security).toEqual([])
    expect(doc.paths['/actions/write-note'].post.security).toEqual([{ bearer: [] }, { devToken: ['notes:write', 'notes:read'] }])
    expect(doc.paths['/actions/write-note'].post.responses).toMatchObject({ '401': {}, '403': {} })
    expect(doc.paths['/auth/token'].post.security).toEqual([])
    expect((await t.fetch('/_sys/info').then((r) => r.json())).auth).toEqual({ mode: 'jwt', mtls: false, tokenEndpoint: '/auth/token' })
  })
})

describe('outside dev mode', () => {
  it('has no /auth/token (404) and documents a plain bearer scheme', async () => {
    const t = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET, debug_password: 'let-me-in' })
    try {
      expect((await t.fetch('/auth/token', form({ grant_type: 'password', username: 'a', password: 'let-me-in' }))).status).toBe(404)
      const doc = await (await t.fetch('/openapi.json')).json()
      expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } })
      expect(doc.paths['/actions/whoami'].get.security).toEqual([{ bearer: [] }])
      expect(doc.paths['/auth/token']).toBeUndefined()
    } finally {
      await t.close()
    }
  })

  it('with auth_mode=none: no schemes, no token endpoint, and a startup warning for unenforced rules', async () => {
    const lines: string[] = []
    const { pino } = await import('pino')
    const { createApp, buildHttpServer } = await import('serval')
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })
    const app = await createApp({ actions, logger, extensions: [authExtension()] })
    await (await buildHttpServer(app)).close()
    await app.close()
    expect(lines.join('\n')).toMatch(/access rules of 2 action\(s\) are NOT enforced/)
    const t = await createTestServer({ actions })
    try {
      // Not enforced: the predicate would refuse this anonymous caller.
      const res = await t.fetch('/actions/own-note', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"owner":"x"}' })
      expect(await res.json()).toBe('note of x')
      const doc = await (await t.fetch('/openapi.json')).json()
      expect(doc.components.securitySchemes).toBeUndefined()
      expect((await t.fetch('/auth/token', { method: 'POST' })).status).toBe(404)
    } finally {
      await t.close()
    }
  })
})
