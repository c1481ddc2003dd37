import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { hashPassword } from '../../src/auth/passwords.ts'
import { actions, bearer, hs256, SECRET } from './support.ts'

const KEY = 'sk_test_0123456789abcdef'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })

let dir: string
let keysFile: string
let usersFile: string
let none: TestServer
let jwt: TestServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serval-kinds-'))
  keysFile = join(dir, 'api-keys.yaml')
  usersFile = join(dir, 'users.json')
  writeFileSync(keysFile, `- key_sha256: ${sha256(KEY)}\n  sub: billing\n  scopes: [notes:write, notes:read]\n  groups: [finance]\n`)
  const users = [
    { username: 'ada', password_hash: await hashPassword('lovelace'), scopes: ['notes:read'] },
    { username: 'bob', password_hash: await hashPassword('builder', 'scrypt'), scopes: 'notes:read notes:write' },
  ]
  writeFileSync(usersFile, JSON.stringify(users))
  none = await createTestServer({ actions }, { api_keys_file: keysFile, basic_users_file: usersFile })
  jwt = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET, api_keys_file: keysFile, basic_users_file: usersFile })
})
afterAll(async () => {
  await Promise.all([none?.close(), jwt?.close()])
  rmSync(dir, { recursive: true, force: true })
})

const writeNote = (t: TestServer, headers: Record<string, string>) =>
  t.fetch('/actions/write-note', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) })

describe('API keys (X-API-Key)', () => {
  it('a valid key gives the principal of its entry, under auth_mode=none and jwt alike', async () => {
    for (const t of [none, jwt]) {
      const res = await t.fetch('/actions/whoami', { headers: { 'x-api-key': KEY } })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ sub: 'billing', scopes: ['notes:write', 'notes:read'], groups: ['finance'] })
      expect((await writeNote(t, { 'x-api-key': KEY })).status).toBe(200)
    }
  })

  it('a wrong key is a 401, even on a public action; no key on a protected action is a 401 naming the kinds', async () => {
    for (const t of [none, jwt]) {
      const wrong = await t.fetch('/actions/ping', { headers: { 'x-api-key': `${KEY}x` } })
      expect(wrong.status).toBe(401)
      expect((await wrong.json()).detail).toMatch(/API key/)
      expect((await t.fetch('/actions/ping', { headers: { 'x-api-key': '' } })).status).toBe(401)
      expect(await (await t.fetch('/actions/ping', { headers: { 'x-api-key': KEY } })).json()).toEqual({ sub: 'billing' })
      expect(await (await t.fetch('/actions/ping')).json()).toEqual({ sub: null })
      const missing = await t.fetch('/actions/whoami')
      expect(missing.status).toBe(401)
      expect((await missing.json()).detail).toMatch(/API key \(X-API-Key\)/)
    }
  })

  it('a key and an Authorization header together are a 401 (one credential per request)', async () => {
    const token = await hs256({ sub: 'ada' })
    expect((await jwt.fetch('/actions/ping', { headers: { 'x-api-key': KEY, ...bearer(token) } })).status).toBe(401)
    expect(await (await jwt.fetch('/actions/ping', { headers: bearer(token) })).json()).toEqual({ sub: 'ada' })
  })

  it('X-Group-Id must be one of the key entry\'s groups', async () => {
    expect(await (await none.fetch('/actions/whoami', { headers: { 'x-api-key': KEY, 'x-group-id': 'finance' } })).json()).toMatchObject({ groupId: 'finance' })
    expect((await none.fetch('/actions/whoami', { headers: { 'x-api-key': KEY, 'x-group-id': 'ops' } })).status).toBe(403)
  })

  it('a bearer token under auth_mode=none with credentials configured is refused, not ignored', async () => {
    expect((await none.fetch('/actions/ping', { headers: bearer(await hs256({ sub: 'ada' })) })).status).toBe(401)
  })
})

describe('Basic auth', () => {
  it('a right password (argon2id or scrypt hash) gives the user\'s principal and scopes', async () => {
    for (const t of [none, jwt]) {
      expect(await (await t.fetch('/actions/whoami', { headers: basic('ada', 'lovelace') })).json()).toEqual({ sub: 'ada', scopes: ['notes:read'], groups: [] })
      expect(await (await t.fetch('/actions/whoami', { headers: basic('bob', 'builder') })).json()).toMatchObject({ sub: 'bob', scopes: ['notes:read', 'notes:write'] })
      expect((await writeNote(t, basic('bob', 'builder'))).status).toBe(200)
      expect((await writeNote(t, basic('ada', 'lovelace'))).status).toBe(403) // lacks notes:write
    }
  })

  it('a wrong password, an unknown user and a malformed header are 401s with a Basic challenge, also on a public action', async () => {
    for (const headers of [basic('ada', 'wrong'), basic('nobody', 'lovelace'), { authorization: 'Basic !!!' }, { authorization: 'Basic ' + Buffer.from('nocolon').toString('base64') }, { authorization: 'Basic' }]) {
      const res = await jwt.fetch('/actions/ping', { headers })
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="serval"/)
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/)
    }
  })

  it('a password with a colon and non-ASCII text works (only the first colon splits)', async () => {
    const t = await createTestServer({ actions }, { basic_users_file: writeUsers('colon.json', [{ username: 'zoë', password_hash: await hashPassword('a:b:ç'), scopes: [] }]) })
    try {
      expect(await (await t.fetch('/actions/ping', { headers: basic('zoë', 'a:b:ç') })).json()).toEqual({ sub: 'zoë' })
    } finally {
      await t.close()
    }
  })

  it('throttles guessing per client: after 5 wrong passwords even the right one waits (429 + Retry-After)', async () => {
    const t = await createTestServer({ actions }, { basic_users_file: usersFile })
    try {
      for (let i = 0; i < 5; i++) expect((await t.fetch('/actions/ping', { headers: basic('ada', `guess${i}`) })).status).toBe(401)
      const res = await t.fetch('/actions/ping', { headers: basic('ada', 'lovelace') })
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    } finally {
      await t.close()
    }
  })

  it('with rate limiting on (which identifies the caller first), a wrong password still counts once', async () => {
    const t = await createTestServer({ actions }, { basic_users_file: usersFile, rate_limit_max: 1000 })
    try {
      for (let i = 0; i < 4; i++) expect((await t.fetch('/actions/ping', { headers: basic('ada', `guess${i}`) })).status).toBe(401)
      expect((await t.fetch('/actions/ping', { headers: basic('ada', 'lovelace') })).status).toBe(200)
    } finally {
      await t.close()
    }
  })

  it('on a raw socket, a repeated Authorization header is not a way around the check', async () => {
    const raw = await rawGet(none, '/actions/whoami', ['Authorization: Basic ' + Buffer.from('ada:wrong').toString('base64'), 'Authorization: Basic ' + Buffer.from('ada:lovelace').toString('base64')])
    expect(raw).toMatch(/^HTTP\/1.1 401/)
  })
})

describe('credential files', () => {
  it('a plain password, a bad key hash, a missing field or a non-list is a startup error naming the setting, the file and the entry', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ basic_users_file: writeUsers('plain.json', [{ username: 'ada', password_hash: 'lovelace', scopes: [] }]) }, /SERVAL_BASIC_USERS_FILE: .*plain\.json: entry 1: password_hash must be an argon2id or scrypt hash/],
      [{ basic_users_file: writeUsers('nouser.json', [{ username: 'ok', password_hash: '$scrypt$x', scopes: [] }]) }, /nouser\.json: entry 1: password_hash/],
      [{ api_keys_file: writeFile('plainkey.yaml', `- key_sha256: ${KEY}\n  sub: x\n`) }, /SERVAL_API_KEYS_FILE: .*plainkey\.yaml: entry 1: key_sha256 must be/],
      [{ api_keys_file: writeFile('upper.json', JSON.stringify([{ key_sha256: sha256(KEY), sub: 'a' }, { key_sha256: sha256('x').toUpperCase(), sub: 'b' }])) }, /upper\.json: entry 2: key_sha256/],
      [{ api_keys_file: writeFile('empty.json', JSON.stringify([{ key_sha256: sha256(''), sub: 'a' }])) }, /empty\.json: entry 1: key_sha256 is the SHA-256 of the empty key/],
      [{ api_keys_file: writeFile('nosub.json', JSON.stringify([{ key_sha256: sha256(KEY) }])) }, /nosub\.json: entry 1: sub must be a non-empty string/],
      [{ api_keys_file: writeFile('scopes.json', JSON.stringify([{ key_sha256: sha256(KEY), sub: 'a', scopes: [1] }])) }, /scopes\.json: entry 1: scopes must be a list of strings/],
      [{ api_keys_file: writeFile('object.json', '{"key_sha256": "x"}') }, /object\.json: must be a list/],
      [{ api_keys_file: writeFile('broken.yaml', '- [unclosed') }, /broken\.yaml: /],
      [{ api_keys_file: join(dir, 'missing.json') }, /SERVAL_API_KEYS_FILE: .*missing\.json: .*ENOENT/],
      [{ session_secret: 'x'.repeat(32) }, /SERVAL_SESSION_SECRET: needs basic_users_file/],
      [{ session_secret: 'short', basic_users_file: usersFile }, /session-secret: must be at least 32/],
      [{ session_secret: 'x'.repeat(32), basic_users_file: usersFile, login_path: 'login' }, /login-path: must be a path starting with "\/"/],
    ]
    for (const [settings, message] of cases) await expect(createTestServer({ actions }, settings), JSON.stringify(settings)).rejects.toThrow(message)
  })
})

describe('OpenAPI', () => {
  it('describes the configured schemes and accepts each on protected operations', async () => {
    const doc = await (await none.fetch('/openapi.json')).json()
    expect(doc.components.securitySchemes).toMatchObject({ apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, basic: { type: 'http', scheme: 'basic' } })
    expect(doc.components.securitySchemes.bearer).toBeUndefined()
    expect(doc.paths['/actions/whoami'].get.security).toEqual([{ apiKey: [] }, { basic: [] }])
    expect(doc.paths['/actions/ping'].get.security).toEqual([])
    const withJwt = await (await jwt.fetch('/openapi.json')).json()
    expect(withJwt.paths['/actions/whoami'].get.security).toEqual([{ bearer: [] }, { apiKey: [] }, { basic: [] }])
  })
})

function writeFile(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function writeUsers(name: string, users: unknown[]): string {
  return writeFile(name, JSON.stringify(users))
}

function rawGet(t: TestServer, path: string, headers: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(t.url).port), '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n`))
    let text = ''
    socket.on('data', (chunk) => (text += chunk))
    socket.on('end', () => resolve(text))
    socket.on('error', reject)
  })
}

describe('examples/auth credential files', () => {
  it('serve the example notes with its API key, Basic users and a login session (auth_mode=none: the rules now hold)', async () => {
    const examples = fileURLToPath(new URL('../../examples/auth', import.meta.url))
    const t = await createTestServer({ dirs: [examples] }, { api_keys_file: join(examples, 'api-keys.yaml'), basic_users_file: join(examples, 'users.yaml'), session_secret: 'example-session-secret-at-least-32-chars' })
    try {
      expect((await t.fetch('/actions/list-notes')).status).toBe(401)
      expect((await t.fetch('/actions/list-notes', { headers: { 'x-api-key': 'demo-key-not-for-production' } })).status).toBe(200)
      expect(await (await t.fetch('/actions/who-am-i', { headers: basic('bob', 'builder') })).json()).toMatchObject({ sub: 'bob', scopes: ['notes:read'] })
      const login = await t.fetch('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: t.url }, body: JSON.stringify({ username: 'ada', password: 'lovelace' }) })
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
      expect(await (await t.fetch('/actions/who-am-i', { headers: { cookie } })).json()).toMatchObject({ sub: 'ada' })
    } finally {
      await t.close()
    }
  })
})
