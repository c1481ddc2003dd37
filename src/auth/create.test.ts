import { scryptSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import pino from 'pino'
import { loadSettings } from '../config/index.ts'
import { openSecurity } from '../core/security.ts'
import { createTestServer, type TestServer } from '../testing/index.ts'
import { actions, bearer, SECRET } from '../../test/security/support.ts'
import { createSecurity } from './create.ts'
import { CredentialSecurity } from './credential-security.ts'
import { debugIssuerOf } from './debug-issuer.ts'

const salt = Buffer.from('0123456789abcdef')
const HASH = `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${scryptSync('lovelace', salt, 32, { N: 16, r: 8, p: 1 }).toString('base64')}`
const CERT = { subject: { CN: 'billing-service', O: 'Acme' } }

let dir: string
let servers: TestServer[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-create-security-'))
  writeFileSync(join(dir, 'users.json'), JSON.stringify([{ username: 'ada', password_hash: HASH, scopes: ['notes:read'] }]))
})
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
  rmSync(dir, { recursive: true, force: true })
})

const warnings: string[] = []
const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) })
const security = async (cli: Record<string, unknown>) => createSecurity({ settings: (await loadSettings({ cli: { data_dir: join(dir, 'data'), ...cli }, filesOff: true, env: {} })).settings, logger })
const whoami = { name: 'whoami', def: {} } as never

describe('createSecurity', () => {
  it('auth_mode=none: the open security; under mTLS the certificate is the caller, rules still unenforced', async () => {
    expect(await security({})).toBe(openSecurity)
    const mtls = await security({ tls_client_ca: 'ca.pem' })
    expect(mtls.open).toBe(true)
    expect(await mtls.identify?.({ certificate: CERT })).toMatchObject({ sub: 'billing-service' })
    expect(await mtls.identify?.({})).toBeNull()
    expect(await mtls.authenticate(whoami, { certificate: CERT })).toMatchObject({ sub: 'billing-service' })
    expect(await mtls.authenticate(whoami, undefined)).toBeNull()
    expect(await mtls.authorize(whoami, null, {})).toBeUndefined()
  })

  it('auth_mode=jwt: bearer tokens only; a dev-mode issuer only in dev mode', async () => {
    const jwt = await security({ auth_mode: 'jwt', jwt_secret: SECRET })
    expect(jwt.open).toBe(false)
    expect(debugIssuerOf(jwt)).toBeUndefined()
    await expect(jwt.authenticate(whoami, {})).rejects.toMatchObject({ status: 401, detail: '"whoami" requires a bearer token' })
    const dev = await security({ auth_mode: 'jwt', jwt_secret: SECRET, dev_mode: true, debug_password: 'pw', jwt_audience: 'api' })
    expect(debugIssuerOf(dev)).toMatchObject({ password: 'pw', audience: 'api' })
  })

  it('auth_mode=oidc needs oidc_url (exit 2 naming it), and warns without oidc_audience', async () => {
    await expect(security({ auth_mode: 'oidc' })).rejects.toThrow(/^SERVAL_OIDC_URL: is required when auth_mode=oidc/)
    warnings.length = 0
    expect((await security({ auth_mode: 'oidc', oidc_url: 'https://issuer.example' })).open).toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('oidc_audience')
    warnings.length = 0
    await security({ auth_mode: 'oidc', oidc_url: 'https://issuer.example', oidc_audience: 'api' })
    expect(warnings).toEqual([])
  })

  it('with credential kinds: a CredentialSecurity over the tokens (none under auth_mode=none), with the certificate as fallback under mTLS', async () => {
    const none = await security({ basic_users_file: join(dir, 'users.json') })
    expect(none).toBeInstanceOf(CredentialSecurity)
    await expect(none.identify?.({ authorization: 'Bearer x' })).rejects.toMatchObject({ status: 401, detail: 'Bearer tokens are not accepted: auth_mode=none' })
    // No token kind under auth_mode=none: the 401 names only the kinds a caller can use.
    await expect(none.authenticate(whoami, {})).rejects.toMatchObject({ status: 401, detail: '"whoami" requires Basic credentials' })
    expect(await none.identify?.({ certificate: CERT })).toBeNull()
    const mtls = await security({ basic_users_file: join(dir, 'users.json'), tls_client_ca: 'ca.pem' })
    expect(await mtls.identify?.({ certificate: CERT })).toMatchObject({ sub: 'billing-service' })
    const jwt = await security({ auth_mode: 'jwt', jwt_secret: SECRET, basic_users_file: join(dir, 'users.json'), allowed_groups: ['staff'], default_group_id: 'staff' })
    await expect(jwt.identify?.({ authorization: 'Bearer not-a-token' })).rejects.toMatchObject({ status: 401 })
    await expect(jwt.authenticate(whoami, {})).rejects.toMatchObject({ detail: '"whoami" requires a bearer token or Basic credentials' })
    // allowed_groups and default_group_id reach the credential kinds: ada is in no allowed group.
    const basic = `Basic ${Buffer.from('ada:lovelace').toString('base64')}`
    await expect(jwt.authenticate(whoami, { authorization: basic })).rejects.toMatchObject({ status: 403, detail: 'The caller is in none of the allowed groups' })
    expect(await jwt.identify?.({ authorization: basic })).toMatchObject({ sub: 'ada', groupId: 'staff' })
  })

  it('in dev mode with credential kinds, the token endpoint still issues tokens the actions accept, and the docs UI offers it', async () => {
    const t = await createTestServer({ actions }, { auth_mode: 'jwt', dev_mode: true, jwt_secret: SECRET, debug_password: 'pw', basic_users_file: join(dir, 'users.json'), data_dir: join(dir, 'data') })
    servers.push(t)
    const res = await t.fetch('/auth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password&username=bob&password=pw&scope=notes:read' })
    expect(res.status).toBe(200)
    const { access_token: token } = await res.json()
    expect(await (await t.fetch('/actions/whoami', { headers: bearer(token) })).json()).toMatchObject({ sub: 'bob', scopes: ['notes:read'] })
    expect((await (await t.fetch('/openapi.json')).json()).components.securitySchemes.devToken.flows.password.tokenUrl).toBe('/auth/token')
    expect((await (await t.fetch('/_sys/info')).json()).auth).toMatchObject({ mode: 'jwt', tokenEndpoint: '/auth/token', basic: true })
  })
})
