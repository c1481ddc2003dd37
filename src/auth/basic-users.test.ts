import { scryptSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { basicCredentials, basicUnauthorized, BasicUsers, isBasic } from './basic-users.ts'

// A cheap scrypt hash (N = 2^4), so the many checks below stay fast; the format is the one `serval hash-password` writes.
const salt = Buffer.from('0123456789abcdef')
const hash = `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${scryptSync('lovelace', salt, 32, { N: 16, r: 8, p: 1 }).toString('base64')}`

// Built inside each test: Stryker's per-test coverage only sees code that runs in a test.
function users() {
  const clock = { now: 1_000_000 }
  const basic = new BasicUsers([{ username: 'ada', passwordHash: hash, scopes: ['notes:read', 'notes:write'], groups: ['staff'] }], () => clock.now)
  return { clock, basic }
}
const challenge = { status: 401, headers: { 'www-authenticate': 'Basic realm="serval", charset="UTF-8"' } }

describe('BasicUsers.login', () => {
  it("a right password gives the user's principal from the file (amr: pwd), again and again", async () => {
    const { basic } = users()
    const principal = { sub: 'ada', scopes: ['notes:read', 'notes:write'], groups: ['staff'], claims: { sub: 'ada', scope: 'notes:read notes:write', groups: ['staff'], amr: ['pwd'] } }
    expect(await basic.login('ada', 'lovelace', '10.0.0.1')).toEqual(principal)
    expect(await basic.login('ada', 'lovelace', '10.0.0.1')).toEqual(principal)
  })

  it('a wrong password and an unknown user are the same 401 with a Basic challenge', async () => {
    const { basic } = users()
    for (const [user, password] of [['ada', 'wrong'], ['bob', 'lovelace'], ['ada', 'Lovelace'], ['ada', '']]) {
      await expect(basic.login(user!, password!, '10.0.0.1'), `${user}:${password}`).rejects.toMatchObject({ ...challenge, detail: 'Wrong username or password' })
    }
  })

  it('after 5 wrong passwords in a row a client waits 5 s (429 + Retry-After) even with the right one, doubling after each further failure', async () => {
    const { clock, basic } = users()
    for (let i = 0; i < 5; i++) await expect(basic.login('ada', `wrong-${i}`, '10.0.0.1')).rejects.toMatchObject({ status: 401 })
    await expect(basic.login('ada', 'lovelace', '10.0.0.1')).rejects.toMatchObject({ status: 429, detail: 'Too many wrong passwords; retry in 5 s', headers: { 'retry-after': '5' } })
    clock.now += 4_001
    await expect(basic.login('ada', 'lovelace', '10.0.0.1')).rejects.toMatchObject({ status: 429, headers: { 'retry-after': '1' } })
    clock.now += 999
    await expect(basic.login('ada', 'wrong-again', '10.0.0.1')).rejects.toMatchObject({ status: 401 })
    await expect(basic.login('ada', 'lovelace', '10.0.0.1')).rejects.toMatchObject({ status: 429, headers: { 'retry-after': '10' } })
    // Other clients are not slowed down.
    await expect(basic.login('ada', 'wrong', '10.0.0.2')).rejects.toMatchObject({ status: 401 })
    clock.now += 10_000
    expect(await basic.login('ada', 'lovelace', '10.0.0.1')).toMatchObject({ sub: 'ada' })
    // A right password reset the count: the next wrong ones are free again.
    for (let i = 0; i < 4; i++) await expect(basic.login('ada', `wrong-once-more-${i}`, '10.0.0.1')).rejects.toMatchObject({ status: 401 })
    await expect(basic.login('ada', 'lovelace', '10.0.0.1')).resolves.toMatchObject({ sub: 'ada' })
  })

  it('without a client address, guessing is counted per username', async () => {
    const { basic } = users()
    for (let i = 0; i < 5; i++) await expect(basic.login('ada', `wrong-${i}`, undefined)).rejects.toMatchObject({ status: 401 })
    await expect(basic.login('ada', 'lovelace', undefined)).rejects.toMatchObject({ status: 429 })
    await expect(basic.login('bob', 'x', undefined)).rejects.toMatchObject({ status: 401 })
    expect(await basic.login('ada', 'lovelace', '10.0.0.9')).toMatchObject({ sub: 'ada' })
  })

  it('the same wrong password sent twice within 2 s counts once (one request checked twice)', async () => {
    const { clock, basic } = users()
    for (let i = 0; i < 4; i++) await expect(basic.login('ada', `wrong-${i}`, '10.0.0.1')).rejects.toMatchObject({ status: 401 })
    clock.now += 1_999
    await expect(basic.login('ada', 'wrong-3', '10.0.0.1')).rejects.toMatchObject({ ...challenge, detail: 'Wrong username or password' })
    await expect(basic.login('ada', 'another', '10.0.0.1')).rejects.toMatchObject({ status: 401 }) // the 5th failure: no wait before it
    await expect(basic.login('ada', 'one-more', '10.0.0.1')).rejects.toMatchObject({ status: 429 })
  })

  it('a wrong password is remembered only 2 s: after that it counts again', async () => {
    const { clock, basic } = users()
    for (let i = 0; i < 4; i++) await expect(basic.login('ada', `wrong-${i}`, '10.0.0.1')).rejects.toMatchObject({ status: 401 })
    clock.now += 2_000
    await expect(basic.login('ada', 'wrong-3', '10.0.0.1')).rejects.toMatchObject({ status: 401 })
    await expect(basic.login('ada', 'another', '10.0.0.1')).rejects.toMatchObject({ status: 429 })
  })

  it('a remembered success lasts a minute, even for a throttled client; the password is then checked again', async () => {
    const { clock, basic } = users()
    expect(await basic.login('ada', 'lovelace', '10.0.0.1')).toMatchObject({ sub: 'ada' })
    for (let i = 0; i < 5; i++) await expect(basic.login('ada', `wrong-${i}`, '10.0.0.1')).rejects.toMatchObject({ status: 401 })
    expect(await basic.login('ada', 'lovelace', '10.0.0.1')).toMatchObject({ sub: 'ada' })
    clock.now += 59_999
    await expect(basic.login('ada', 'later', '10.0.0.1')).rejects.toMatchObject({ status: 401 }) // throttled again, for 10 s
    expect(await basic.login('ada', 'lovelace', '10.0.0.1')).toMatchObject({ sub: 'ada' })
    clock.now += 1
    await expect(basic.login('ada', 'lovelace', '10.0.0.1')).rejects.toMatchObject({ status: 429 })
  })
})

describe('BasicUsers.principal', () => {
  it("is the user's principal as the file says, with the login method; undefined for a user not in it", () => {
    const { basic } = users()
    expect(basic.principal('ada', 'session')).toEqual({ sub: 'ada', scopes: ['notes:read', 'notes:write'], groups: ['staff'], claims: { sub: 'ada', scope: 'notes:read notes:write', groups: ['staff'], amr: ['session'] } })
    expect(basic.principal('ada')?.claims.amr).toEqual(['pwd'])
    expect(basic.principal('bob')).toBeUndefined()
  })
})

describe('basicCredentials', () => {
  const header = (text: string, scheme = 'Basic') => `${scheme} ${Buffer.from(text).toString('base64')}`

  it('reads username and password (UTF-8; only the first colon splits), whatever the scheme\'s case and spacing', () => {
    expect(basicCredentials(header('ada:secret'))).toEqual({ username: 'ada', password: 'secret' })
    expect(basicCredentials(header('ada:pa:ss word'))).toEqual({ username: 'ada', password: 'pa:ss word' })
    expect(basicCredentials(header('zoë:mötley'))).toEqual({ username: 'zoë', password: 'mötley' })
    expect(basicCredentials(header('ada:', 'basic'))).toEqual({ username: 'ada', password: '' })
    expect(basicCredentials(`Basic   ${Buffer.from('ada:x').toString('base64')}  `)).toEqual({ username: 'ada', password: 'x' })
    expect(basicCredentials('Basic YWRhOng')).toEqual({ username: 'ada', password: 'x' })
  })

  it('a header that is not base64(username:password) is a 401 with a Basic challenge', () => {
    for (const bad of ['Basic', 'Basic ', header('ada'), header(':secret'), 'Basic YWRh*OnNlY3JldA==', 'Basic YWRhOnNlY3JldA===']) {
      expect(() => basicCredentials(bad), bad).toThrow(expect.objectContaining({ ...challenge, detail: 'The Authorization header must be "Basic base64(username:password)"' }))
    }
  })
})

describe('isBasic', () => {
  it('is true for the Basic scheme in any case, alone or followed by a space', () => {
    for (const yes of ['Basic abc', 'basic abc', 'BASIC', 'Basic\tabc']) expect(isBasic(yes), yes).toBe(true)
    for (const no of ['Bearer abc', 'Basicabc', ' Basic abc', 'XBasic abc', '']) expect(isBasic(no), no).toBe(false)
  })

  it('basicUnauthorized is a 401 with the realm and charset', () => {
    expect(basicUnauthorized('why')).toMatchObject({ ...challenge, detail: 'why' })
  })
})
