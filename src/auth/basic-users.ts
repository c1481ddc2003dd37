import { createHash } from 'node:crypto'
import { ServalError } from '../errors/index.ts'
import type { BasicUserEntry } from './credential-files.ts'
import { FailureThrottle } from './failure-throttle.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import type { Principal } from './principal.ts'

// A verified password is trusted for a minute: argon2 costs 20-40 ms and 19 MiB per check, a browser sends Basic on every request.
const CACHE_MS = 60_000
const CACHE_ENTRIES = 1000
// A wrong password is remembered a moment, so one request checked twice (the rate limiter identifies the caller
// before the pipeline does) is counted and hashed once.
const FAILURE_MS = 2_000
// As the token endpoint: five wrong passwords in a row are free, then 5 s doubling up to 15 min, per client.
const THROTTLE = { free: 5, baseMs: 5_000, maxMs: 15 * 60_000, maxClients: 10_000 }
const REALM = 'Basic realm="serval", charset="UTF-8"'

/**
 * The users of `basic_users_file`: checks a username and password
 * (`Authorization: Basic`, `POST /auth/login`), remembers successes
 * briefly, and slows down guessing per client.
 *
 * @example
 * ```ts
 * const users = new BasicUsers(readBasicUsersFile(file))
 * const principal = await users.login('ada', password, request.ip)
 * ```
 */
export class BasicUsers {
  readonly #users = new Map<string, BasicUserEntry>()
  readonly #verified = new Map<string, { principal: Principal; until: number }>()
  readonly #failed = new Map<string, number>()
  readonly #throttle: FailureThrottle
  readonly #now: () => number
  #decoy: Promise<string> | undefined

  constructor(entries: readonly BasicUserEntry[], now: () => number = Date.now) {
    for (const entry of entries) this.#users.set(entry.username, entry)
    this.#now = now
    this.#throttle = new FailureThrottle({ ...THROTTLE, now })
  }

  /**
   * The principal of a right username and password. A wrong one is a 401
   * (the same for an unknown user, who costs as much time); a client that
   * failed too often in a row gets a 429 with `Retry-After` first.
   */
  async login(username: string, password: string, client: string | undefined): Promise<Principal> {
    const key = createHash('sha256').update(`${username}\0${password}`).digest('base64')
    const hit = this.#verified.get(key)
    if (hit && hit.until > this.#now()) return hit.principal
    if ((this.#failed.get(key) ?? 0) > this.#now()) throw basicUnauthorized('Wrong username or password')
    const who = client ?? `user:${username}`
    const waitS = Math.ceil(this.#throttle.waitMs(who) / 1000)
    if (waitS > 0) throw new ServalError('too-many-requests', { detail: `Too many wrong passwords; retry in ${waitS} s`, headers: { 'retry-after': String(waitS) } })
    const user = this.#users.get(username)
    // An unknown user is checked against a decoy hash, so the answer takes as long as for a known one.
    const matches = await verifyPassword(user?.passwordHash ?? (await this.#decoyHash()), password)
    if (!user || !matches) {
      this.#throttle.fail(who)
      this.#rememberFailure(key)
      throw basicUnauthorized('Wrong username or password')
    }
    this.#throttle.succeed(who)
    return this.#remember(key, user)
  }

  /**
   * The principal of a user as the file says now (a session's scopes follow
   * the file), or undefined for a user no longer in it.
   */
  principal(username: string, method = 'pwd'): Principal | undefined {
    const user = this.#users.get(username)
    if (!user) return undefined
    const claims = { sub: user.username, scope: user.scopes.join(' '), groups: [...user.groups], amr: [method] }
    return { sub: user.username, scopes: user.scopes, groups: user.groups, claims }
  }

  #remember(key: string, user: BasicUserEntry): Principal {
    const principal = this.principal(user.username)!
    if (this.#verified.size >= CACHE_ENTRIES) this.#verified.delete(this.#verified.keys().next().value as string)
    this.#verified.set(key, { principal, until: this.#now() + CACHE_MS })
    return principal
  }

  #rememberFailure(key: string): void {
    if (this.#failed.size >= CACHE_ENTRIES) this.#failed.delete(this.#failed.keys().next().value as string)
    this.#failed.set(key, this.#now() + FAILURE_MS)
  }

  #decoyHash(): Promise<string> {
    return (this.#decoy ??= hashPassword('serval decoy password'))
  }
}

/**
 * The username and password of an `Authorization: Basic` header (RFC
 * 7617, UTF-8). A malformed one is a 401: a credential that was sent is
 * never ignored.
 *
 * @example
 * ```ts
 * basicCredentials('Basic YWRhOnNlY3JldA==') // { username: 'ada', password: 'secret' }
 * ```
 */
export function basicCredentials(header: string): { username: string; password: string } {
  const encoded = header.slice(header.indexOf(' ') + 1).trim()
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : ''
  const colon = text.indexOf(':')
  if (colon <= 0) throw basicUnauthorized('The Authorization header must be "Basic base64(username:password)"')
  return { username: text.slice(0, colon), password: text.slice(colon + 1) }
}

/** True when an `Authorization` header uses the Basic scheme. */
export function isBasic(header: string): boolean {
  return /^basic(?:\s|$)/i.test(header)
}

/** A 401 with a Basic challenge (for a rejected Basic credential). */
export function basicUnauthorized(detail: string): ServalError {
  return new ServalError('unauthorized', { detail, headers: { 'www-authenticate': REALM } })
}
