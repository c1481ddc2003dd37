import { describe, expect, it } from 'vitest'
import { BasicUsers } from './basic-users.ts'
import type { SessionRecord, SessionStore } from './session-store.ts'
import { Sessions } from './sessions.ts'

const SECRET = 'session-secret-that-is-at-least-32-chars'

/** A store in memory that also says what was written. */
class MemoryStore implements SessionStore {
  readonly records = new Map<string, SessionRecord>()
  puts = 0
  closed = false
  async get(key: string) {
    return this.records.get(key)
  }
  async put(key: string, record: SessionRecord) {
    this.puts++
    this.records.set(key, record)
  }
  async delete(key: string) {
    this.records.delete(key)
  }
  async close() {
    this.closed = true
  }
}

function setup(ttlS = 3600, usernames = ['ada']) {
  const clock = { now: 1_000_000 }
  const store = new MemoryStore()
  const users = new BasicUsers(usernames.map((username) => ({ username, passwordHash: '$scrypt$unused', scopes: ['notes:read'], groups: ['staff'] })))
  const sessions = new Sessions({ secret: SECRET, ttlS, store, users, now: () => clock.now })
  return { clock, store, users, sessions }
}

describe('Sessions', () => {
  it('start keeps a record under a hash of the id (never the cookie) for the TTL, and returns a cookie of that Max-Age', async () => {
    const { store, sessions } = setup(3600)
    const cookie = await sessions.start('ada')
    expect(cookie.maxAgeS).toBe(3600)
    const [key, record] = [...store.records][0]!
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(cookie.value).not.toContain(key)
    expect(record).toEqual({ username: 'ada', createdAt: 1_000_000, touchedAt: 1_000_000, expiresAt: 1_000_000 + 3_600_000 })
    const other = await sessions.start('ada')
    expect(other.value).not.toBe(cookie.value)
    expect(store.records.size).toBe(2)
  })

  it('a cookie gives the session user\'s principal from the users file, marked as a session login', async () => {
    const { sessions } = setup()
    const { value } = await sessions.start('ada')
    expect(await sessions.principal(value)).toEqual({ sub: 'ada', scopes: ['notes:read'], groups: ['staff'], claims: { sub: 'ada', scope: 'notes:read', groups: ['staff'], amr: ['session'] } })
  })

  it('a forged cookie, an unknown session or a user no longer in the file is no session', async () => {
    const { clock, sessions, store } = setup()
    const { value } = await sessions.start('ada')
    expect(await sessions.principal(`${value}x`)).toBeUndefined()
    expect(await sessions.principal('garbage')).toBeUndefined()
    const [key, record] = [...store.records][0]!
    store.records.set(key, { ...record, username: 'gone' })
    expect(await sessions.principal(value)).toBeUndefined()
    clock.now += 3_600_000 // due for a refresh: still no session, and no cookie to refresh
    expect(await sessions.principal(value)).toBeUndefined()
    expect(sessions.takeRenewal(value)).toBeUndefined()
    store.records.clear()
    expect(await sessions.principal(value)).toBeUndefined()
  })

  it('slides: a use a tenth of the TTL after the last extends it to a full TTL and asks for the cookie once; an earlier use writes nothing', async () => {
    const { clock, store, sessions } = setup(100) // refresh every 10 s
    const { value } = await sessions.start('ada')
    const key = [...store.records.keys()][0]!
    const writes = store.puts
    clock.now += 9_999
    expect(await sessions.principal(value)).toMatchObject({ sub: 'ada' })
    expect(store.puts).toBe(writes)
    expect(sessions.takeRenewal(value)).toBeUndefined()
    clock.now += 1 // exactly a tenth
    expect(await sessions.principal(value)).toMatchObject({ sub: 'ada' })
    expect(store.records.get(key)).toEqual({ username: 'ada', createdAt: 1_000_000, touchedAt: 1_010_000, expiresAt: 1_010_000 + 100_000 })
    expect(sessions.takeRenewal(value)).toEqual({ value, maxAgeS: 100 })
    expect(sessions.takeRenewal(value)).toBeUndefined()
    expect(sessions.takeRenewal('another cookie')).toBeUndefined()
  })

  it('refreshes at most every 5 minutes, however long the TTL', async () => {
    const { clock, store, sessions } = setup(86_400) // a tenth would be 2.4 h
    const { value } = await sessions.start('ada')
    const writes = store.puts
    clock.now += 299_999
    await sessions.principal(value)
    expect(store.puts).toBe(writes)
    clock.now += 1
    await sessions.principal(value)
    expect(store.puts).toBe(writes + 1)
    expect(sessions.takeRenewal(value)).toEqual({ value, maxAgeS: 86_400 })
  })

  it('end deletes the session (the cookie stops working) and its pending renewal; a bad cookie is already no session', async () => {
    const { clock, store, sessions } = setup(100)
    const { value } = await sessions.start('ada')
    const keep = await sessions.start('ada')
    clock.now += 10_000
    await sessions.principal(value)
    await sessions.end(value)
    expect(sessions.takeRenewal(value)).toBeUndefined()
    expect(await sessions.principal(value)).toBeUndefined()
    expect(store.records.size).toBe(1)
    await sessions.end('not a cookie')
    expect(await sessions.principal(keep.value)).toMatchObject({ sub: 'ada' })
  })

  it('close closes the store', async () => {
    const { store, sessions } = setup()
    await sessions.close()
    expect(store.closed).toBe(true)
  })
})
