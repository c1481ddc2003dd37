import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CompiledAction } from '../core/registry.ts'
import type { Credentials, Security } from '../core/security.ts'
import { ApiKeys } from './api-keys.ts'
import { BasicUsers } from './basic-users.ts'
import { CredentialSecurity, type CredentialKinds } from './credential-security.ts'
import { kindsOf } from './credential-kinds.ts'
import { hashPassword } from './passwords.ts'
import type { Principal } from './principal.ts'
import type { SessionRecord, SessionStore } from './session-store.ts'
import { Sessions } from './sessions.ts'

const KEY = 'sk_billing_0123456789'
const notes = { name: 'notes', def: {} } as unknown as CompiledAction
const open = { name: 'ping', def: { access: 'public' } } as unknown as CompiledAction
const onlyMine = { name: 'mine', def: { access: (p: Principal, input: { owner: string }) => p.sub === input.owner } } as unknown as CompiledAction
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const CERT: Principal['certificate'] = { subject: { CN: 'x' } }
const noGroups = { groups: { allowed: new Set<string>() } }

let hash: string
beforeAll(async () => {
  hash = await hashPassword('lovelace', 'scrypt')
})

class MemoryStore implements SessionStore {
  readonly records = new Map<string, SessionRecord>()
  async get(key: string) {
    return this.records.get(key)
  }
  async put(key: string, record: SessionRecord) {
    this.records.set(key, record)
  }
  async delete(key: string) {
    this.records.delete(key)
  }
  async close() {}
}

// Built inside each test: Stryker's per-test coverage only sees code that runs in a test.
function kinds(): Required<CredentialKinds> {
  const apiKeys = new ApiKeys([{ keySha256: createHash('sha256').update(KEY).digest('hex'), sub: 'billing', scopes: ['invoices:read'], groups: ['finance'] }])
  const users = new BasicUsers([{ username: 'ada', passwordHash: hash, scopes: ['notes:read'], groups: ['staff', 'ops'] }])
  const sessions = new Sessions({ secret: 'session-secret-that-is-at-least-32-chars', ttlS: 3600, store: new MemoryStore(), users })
  return { apiKeys, basic: users, sessions }
}
const tokens: Security = {
  open: false,
  identify: async (c: Credentials | undefined) => ({ sub: `token:${c?.authorization}`, scopes: [], groups: ['t'], claims: {} }),
  authenticate: async () => null,
  authorize: async () => undefined,
}
const certificate: Security = { ...tokens, identify: async (c) => (c?.certificate ? { sub: 'cert', scopes: [], groups: [], claims: {} } : null) }

describe('CredentialSecurity', () => {
  it('is never open, and hands its kinds to the session routes', () => {
    const k = kinds()
    const security = new CredentialSecurity(k, noGroups)
    expect(security.open).toBe(false)
    expect(security.kinds).toBe(k)
    expect(kindsOf(security)).toBe(k)
    expect(kindsOf(tokens)).toBeUndefined()
  })

  it('reads each kind: Basic, X-API-Key, the session cookie, and hands Bearer tokens to the token security', async () => {
    const k = kinds()
    const security = new CredentialSecurity(k, { ...noGroups, tokens })
    expect(await security.identify({ authorization: basic('ada', 'lovelace') })).toMatchObject({ sub: 'ada', claims: { amr: ['pwd'] } })
    expect(await security.identify({ apiKey: KEY })).toMatchObject({ sub: 'billing', claims: { amr: ['api_key'] } })
    const { value } = await k.sessions.start('ada')
    expect(await security.identify({ session: value })).toMatchObject({ sub: 'ada', claims: { amr: ['session'] } })
    expect(await security.identify({ authorization: 'Bearer abc' })).toMatchObject({ sub: 'token:Bearer abc' })
    expect(await security.identify({ authorization: 'Bearer abc', session: value })).toMatchObject({ sub: 'token:Bearer abc' })
  })

  it('without credentials there is no principal, unless the certificate (fallback) gives one', async () => {
    const security = new CredentialSecurity(kinds(), { ...noGroups, fallback: certificate })
    expect(await security.identify(undefined)).toBeNull()
    // An in-process call (app.call, the CLI) has no credentials at all: public actions run, others are a 401.
    expect(await security.authenticate(open, undefined)).toBeNull()
    await expect(security.authenticate(notes, undefined)).rejects.toMatchObject({ status: 401 })
    expect(await security.identify({})).toBeNull()
    expect(await security.identify({ certificate: CERT })).toMatchObject({ sub: 'cert' })
    expect(await new CredentialSecurity(kinds(), noGroups).identify({ certificate: CERT })).toBeNull()
  })

  it('a credential that was sent and is wrong is a 401, even on a public action', async () => {
    const security = new CredentialSecurity(kinds(), noGroups)
    await expect(security.authenticate(open, { authorization: basic('ada', 'wrong') })).rejects.toMatchObject({ status: 401, headers: { 'www-authenticate': expect.stringMatching(/^Basic /) } })
    await expect(security.authenticate(open, { apiKey: `${KEY}x` })).rejects.toMatchObject({ status: 401 })
    await expect(security.authenticate(open, { authorization: 'Basic !!' })).rejects.toMatchObject({ status: 401 })
    expect(await security.authenticate(open, {})).toBeNull()
    expect(await security.authenticate(open, { apiKey: KEY })).toMatchObject({ sub: 'billing' })
  })

  it('a stale session cookie counts as none; a valid one on a cross-site request is a 403 (CSRF)', async () => {
    const k = kinds()
    const security = new CredentialSecurity(k, { ...noGroups, fallback: certificate })
    expect(await security.identify({ session: 'stale.cookie' })).toBeNull()
    expect(await security.identify({ session: 'stale.cookie', certificate: CERT })).toMatchObject({ sub: 'cert' })
    const { value } = await k.sessions.start('ada')
    await expect(security.identify({ session: value, crossSite: true })).rejects.toMatchObject({ status: 403 })
    expect(await security.identify({ session: 'stale.cookie', crossSite: true })).toBeNull()
    // The other kinds are exempt: a browser never adds them by itself.
    expect(await security.identify({ apiKey: KEY, crossSite: true })).toMatchObject({ sub: 'billing' })
    expect(await security.identify({ authorization: basic('ada', 'lovelace'), crossSite: true })).toMatchObject({ sub: 'ada' })
  })

  it('one credential per request: Authorization and X-API-Key together are a 401', async () => {
    const security = new CredentialSecurity(kinds(), { ...noGroups, tokens })
    for (const authorization of ['Bearer abc', basic('ada', 'lovelace')]) {
      await expect(security.identify({ authorization, apiKey: KEY })).rejects.toMatchObject({
        status: 401,
        detail: 'Send one credential: Authorization or X-API-Key, not both',
        headers: { 'www-authenticate': expect.stringContaining('error="invalid_request"') },
      })
    }
  })

  it('a kind that is not configured is refused, never ignored', async () => {
    const none = new CredentialSecurity({}, noGroups)
    await expect(none.identify({ authorization: 'Bearer abc' })).rejects.toMatchObject({ status: 401, detail: 'Bearer tokens are not accepted: auth_mode=none', headers: { 'www-authenticate': expect.stringContaining('error="invalid_request"') } })
    await expect(none.identify({ authorization: basic('ada', 'lovelace') })).rejects.toMatchObject({ status: 401, detail: 'Basic auth is not enabled on this server (no basic_users_file)', headers: { 'www-authenticate': expect.stringMatching(/^Basic /) } })
    await expect(none.identify({ apiKey: KEY })).rejects.toMatchObject({ status: 401, detail: 'API keys are not enabled on this server (no api_keys_file)', headers: { 'www-authenticate': expect.stringContaining('error="invalid_token"') } })
    expect(await none.identify({ session: 'any.cookie' })).toBeNull()
  })

  it('applies X-Group-Id and default_group_id to every kind', async () => {
    const security = new CredentialSecurity(kinds(), { groups: { allowed: new Set(), defaultGroupId: 'home' } })
    expect(await security.identify({ authorization: basic('ada', 'lovelace'), groupId: 'ops' })).toMatchObject({ sub: 'ada', groupId: 'ops' })
    expect(await security.identify({ apiKey: KEY })).toMatchObject({ sub: 'billing', groupId: 'home' })
    await expect(security.identify({ apiKey: KEY, groupId: 'ops' })).rejects.toMatchObject({ status: 403 })
  })

  it('on a protected action without a credential, the 401 names the kinds this server accepts', async () => {
    const k = kinds()
    const cases: [CredentialKinds, boolean, string][] = [
      [k, true, 'a bearer token, an API key (X-API-Key), Basic credentials or a login session'],
      [{ apiKeys: k.apiKeys }, false, 'an API key (X-API-Key)'],
      [{ basic: k.basic }, true, 'a bearer token or Basic credentials'],
      [{ basic: k.basic, sessions: k.sessions }, false, 'Basic credentials or a login session'],
      [{}, false, 'credentials'],
    ]
    for (const [which, withTokens, named] of cases) {
      const security = new CredentialSecurity(which, { ...noGroups, ...(withTokens ? { tokens } : {}) })
      await expect(security.authenticate(notes, {}), named).rejects.toMatchObject({ status: 401, detail: `"notes" requires ${named}` })
    }
  })

  it('applies the access rules to every kind: scopes, allowed groups and predicates', async () => {
    const security = new CredentialSecurity(kinds(), { groups: { allowed: new Set(['staff']) } })
    const write = { name: 'write', def: { access: { scopes: ['notes:write'] } } } as unknown as CompiledAction
    const ada = await security.authenticate(notes, { authorization: basic('ada', 'lovelace') })
    expect(ada).toMatchObject({ sub: 'ada' })
    await expect(security.authenticate(write, { authorization: basic('ada', 'lovelace') })).rejects.toMatchObject({ status: 403 })
    await expect(security.authenticate(notes, { apiKey: KEY })).rejects.toMatchObject({ status: 403, detail: 'The caller is in none of the allowed groups' })
    await expect(security.authorize(onlyMine, ada, { owner: 'ada' })).resolves.toBeUndefined()
    await expect(security.authorize(onlyMine, ada, { owner: 'bob' })).rejects.toMatchObject({ status: 403 })
  })
})
