import { createHash } from 'node:crypto'
import type { BasicUsers } from './basic-users.ts'
import type { Principal } from './principal.ts'
import { CookieSigner } from './session-cookie.ts'
import type { SessionStore } from './session-store.ts'

/** What a `Sessions` is made of. */
export interface SessionOptions {
  readonly secret: string
  readonly ttlS: number
  readonly store: SessionStore
  readonly users: BasicUsers
  readonly now?: () => number
}

/** A session just started or extended: the cookie to send and how long it lives. */
export interface SessionCookie {
  readonly value: string
  readonly maxAgeS: number
}

// Renewals waiting for their response to carry the refreshed cookie; bounded, the oldest dropped first.
const MAX_RENEWALS = 10_000

/**
 * Login sessions: a signed cookie naming a server-side record (see
 * `SessionStore`). The TTL slides: a use pushes the expiry to a full
 * `session_ttl_s` again, at most once per tenth of it (≤ 5 min), so a busy
 * client does not write on every request; the HTTP side then refreshes the
 * cookie's `Max-Age`. Logging out deletes the record, so the old cookie
 * stops working everywhere at once.
 *
 * @example
 * ```ts
 * const { value } = await sessions.start('ada')
 * await sessions.principal(value) // ada's principal, until logout or expiry
 * ```
 */
export class Sessions {
  readonly #signer: CookieSigner
  readonly #o: SessionOptions
  readonly #now: () => number
  readonly #ttlMs: number
  readonly #refreshMs: number
  readonly #renewals = new Map<string, SessionCookie>()

  constructor(options: SessionOptions) {
    this.#o = options
    this.#signer = new CookieSigner(options.secret)
    this.#now = options.now ?? Date.now
    this.#ttlMs = options.ttlS * 1000
    this.#refreshMs = Math.min(this.#ttlMs / 10, 300_000)
  }

  /** Starts a session for a user who just logged in; returns the cookie to set. */
  async start(username: string): Promise<SessionCookie> {
    const { id, value } = this.#signer.issue()
    const now = this.#now()
    await this.#o.store.put(digest(id), { username, createdAt: now, touchedAt: now, expiresAt: now + this.#ttlMs })
    return { value, maxAgeS: this.#o.ttlS }
  }

  /**
   * The principal of a session cookie; undefined when the signature fails,
   * the session expired or was ended, or its user left the users file.
   * Extends the session when it is due.
   */
  async principal(cookie: string): Promise<Principal | undefined> {
    const id = this.#signer.open(cookie)
    if (id === undefined) return undefined
    const key = digest(id)
    const record = await this.#o.store.get(key)
    const principal = record && this.#o.users.principal(record.username, 'session')
    if (!record || !principal) return undefined
    const now = this.#now()
    if (now - record.touchedAt >= this.#refreshMs) {
      await this.#o.store.put(key, { ...record, touchedAt: now, expiresAt: now + this.#ttlMs })
      this.#renew(cookie, { value: cookie, maxAgeS: this.#o.ttlS })
    }
    return principal
  }

  /** Ends the session of a cookie (a bad or unknown one is already no session). */
  async end(cookie: string): Promise<void> {
    const id = this.#signer.open(cookie)
    this.#renewals.delete(cookie)
    if (id !== undefined) await this.#o.store.delete(digest(id))
  }

  /** The refreshed cookie a response to this cookie's request should carry, once; undefined when none is due. */
  takeRenewal(cookie: string): SessionCookie | undefined {
    const renewal = this.#renewals.get(cookie)
    if (renewal) this.#renewals.delete(cookie)
    return renewal
  }

  close(): Promise<void> {
    return this.#o.store.close()
  }

  #renew(cookie: string, renewal: SessionCookie): void {
    if (this.#renewals.size >= MAX_RENEWALS) this.#renewals.delete(this.#renewals.keys().next().value as string)
    this.#renewals.set(cookie, renewal)
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex')
}
