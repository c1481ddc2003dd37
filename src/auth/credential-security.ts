import type { CompiledAction } from '../core/registry.ts'
import type { Credentials, Security } from '../core/security.ts'
import type { ApiKeys } from './api-keys.ts'
import { basicCredentials, basicUnauthorized, isBasic, type BasicUsers } from './basic-users.ts'
import { unauthorized } from './challenge.ts'
import { crossSiteRefused } from './csrf.ts'
import { checkPredicate, requireAccess } from './enforce.ts'
import { withGroup, type GroupPolicy } from './groups.ts'
import type { Principal } from './principal.ts'
import type { Sessions } from './sessions.ts'

/** The credential kinds configured besides tokens. */
export interface CredentialKinds {
  readonly apiKeys?: ApiKeys | undefined
  readonly basic?: BasicUsers | undefined
  readonly sessions?: Sessions | undefined
}

/**
 * The pipeline's auth step when API keys, Basic users or sessions are
 * configured, over the token security of `auth_mode` (`tokens`; none
 * under `auth_mode=none`) and the mTLS certificate (`fallback`). One
 * credential is read, in this order: `Authorization` (Bearer → tokens,
 * Basic → users), `X-API-Key`, the session cookie, the client
 * certificate. A credential that was sent and is wrong is a 401 even on a
 * public action, except a stale session cookie, which counts as none (a
 * logged-out browser still sees public pages). A session cookie on a
 * cross-site state-changing request is a 403 (CSRF); the other kinds are
 * exempt, as a browser never adds them by itself. Every kind yields the
 * same principal shape, and access rules apply alike (also under
 * `auth_mode=none`: configuring credentials turns them on).
 *
 * @example
 * ```ts
 * const security = new CredentialSecurity({ apiKeys: new ApiKeys(entries) }, { groups: { allowed: new Set() } })
 * ```
 */
export class CredentialSecurity implements Security {
  readonly open = false
  readonly #kinds: CredentialKinds
  readonly #tokens: Security | undefined
  readonly #fallback: Security | undefined
  readonly #groups: GroupPolicy
  readonly #missing: string

  constructor(kinds: CredentialKinds, options: { groups: GroupPolicy; tokens?: Security | undefined; fallback?: Security | undefined }) {
    this.#kinds = kinds
    this.#tokens = options.tokens
    this.#fallback = options.fallback
    this.#groups = options.groups
    this.#missing = `requires ${describeKinds(kinds, options.tokens !== undefined)}`
  }

  /** The credential kinds behind this security (the session routes need the users and sessions). */
  get kinds(): CredentialKinds {
    return this.#kinds
  }

  async identify(credentials: Credentials | undefined): Promise<Principal | null> {
    if (!credentials) return null
    const { authorization } = credentials
    // Tokens are the token security's: it checks them, their group and their certificate.
    if (authorization !== undefined && !isBasic(authorization) && credentials.apiKey === undefined) return this.#token(credentials)
    const principal = await this.#principal(credentials)
    if (principal) return withGroup(principal, credentials.groupId, this.#groups)
    return (await this.#fallback?.identify?.(credentials)) ?? null
  }

  async authenticate(action: CompiledAction, credentials: Credentials | undefined): Promise<Principal | null> {
    return requireAccess(action, await this.identify(credentials), this.#groups, credentials?.groupId, this.#missing)
  }

  authorize(action: CompiledAction, principal: Principal | null, input: unknown): Promise<void> {
    return checkPredicate(action, principal, input)
  }

  async #principal(c: Credentials): Promise<Principal | null> {
    if (c.authorization !== undefined && c.apiKey !== undefined) throw unauthorized('Send one credential: Authorization or X-API-Key, not both', 'invalid_request')
    if (c.authorization !== undefined) return this.#basic(c.authorization, c)
    if (c.apiKey !== undefined) return this.#apiKey(c.apiKey)
    return (c.session !== undefined && (await this.#session(c.session, c))) || null
  }

  async #token(c: Credentials): Promise<Principal | null> {
    if (!this.#tokens?.identify) throw unauthorized('Bearer tokens are not accepted: auth_mode=none', 'invalid_request')
    return (await this.#tokens.identify(c)) ?? null
  }

  #basic(header: string, c: Credentials): Promise<Principal> {
    if (!this.#kinds.basic) throw basicUnauthorized('Basic auth is not enabled on this server (no basic_users_file)')
    const { username, password } = basicCredentials(header)
    return this.#kinds.basic.login(username, password, c.client)
  }

  #apiKey(key: string): Principal {
    if (!this.#kinds.apiKeys) throw unauthorized('API keys are not enabled on this server (no api_keys_file)', 'invalid_token')
    return this.#kinds.apiKeys.principal(key)
  }

  async #session(cookie: string, c: Credentials): Promise<Principal | undefined> {
    const principal = await this.#kinds.sessions?.principal(cookie)
    if (principal && c.crossSite) throw crossSiteRefused()
    return principal
  }
}

function describeKinds(kinds: CredentialKinds, tokens: boolean): string {
  const names = [tokens && 'a bearer token', kinds.apiKeys && 'an API key (X-API-Key)', kinds.basic && 'Basic credentials', kinds.sessions && 'a login session']
  const list = names.filter((n): n is string => typeof n === 'string')
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? 'credentials')
}
