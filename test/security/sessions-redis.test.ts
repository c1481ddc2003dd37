import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { hashPassword } from '../../src/auth/passwords.ts'
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from '../support/redis.ts'
import { actions } from './support.ts'

const available = await redisAvailable('sessions in Redis')
const prefix = uniquePrefix('sessions')

describe.skipIf(!available)('sessions in Redis (redis_url)', () => {
  let dir: string
  let a: TestServer
  let b: TestServer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'serval-sessions-redis-'))
    const users = join(dir, 'users.json')
    writeFileSync(users, JSON.stringify([{ username: 'ada', password_hash: await hashPassword('lovelace', 'scrypt'), scopes: [] }]))
    const settings = { basic_users_file: users, session_secret: 'session-secret-that-is-at-least-32-chars', redis_url: REDIS_URL, redis_prefix: prefix, workers: 0 }
    ;[a, b] = await Promise.all([createTestServer({ actions }, settings), createTestServer({ actions }, settings)])
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    await deleteKeys(prefix)
    rmSync(dir, { recursive: true, force: true })
  })

  it('a login on one instance is a session on the other, and a logout on the other ends it on both', async () => {
    const login = await a.fetch('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: a.url }, body: JSON.stringify({ username: 'ada', password: 'lovelace' }) })
    expect(login.status).toBe(200)
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
    expect(await (await b.fetch('/actions/whoami', { headers: { cookie } })).json()).toMatchObject({ sub: 'ada' })
    expect((await b.fetch('/auth/logout', { method: 'POST', headers: { cookie, origin: b.url } })).status).toBe(204)
    expect((await a.fetch('/actions/whoami', { headers: { cookie } })).status).toBe(401)
    expect((await b.fetch('/actions/whoami', { headers: { cookie } })).status).toBe(401)
  })
})
