import type { CompiledAction } from '../core/registry.ts'
import type { Credentials, Security } from '../core/security.ts'
import { bearerToken, unauthorized } from './challenge.ts'
import { principalFromClaims } from './claims.ts'
import { checkPredicate, requireAccess } from './enforce.ts'
import { withGroup, type GroupPolicy } from './groups.ts'
import type { Principal } from './principal.ts'
import { verifiedOnce } from './request-memo.ts'
import type { TokenVerifier } from './verifier.ts'

/**
 * The pipeline's auth step with `auth_mode=jwt` or `oidc`. `authenticate`
 * (before validation) verifies any token sent (even to a public action),
 * requires one unless the action is public, and checks groups and scopes,
 * so a caller without them learns nothing about the input schema.
 * `authorize` (after validation) runs a predicate `access`.
 *
 * @example
 * ```ts
 * const security = new BearerSecurity(createHs256Verifier(key, { clockSkewS: 30 }), { allowed: new Set() })
 * const app = await createApp({ actions, security })
 * ```
 */
export class BearerSecurity implements Security {
  readonly open = false
  readonly #verifier: TokenVerifier
  readonly #groups: GroupPolicy

  constructor(verifier: TokenVerifier, groups: GroupPolicy) {
    this.#verifier = verifier
    this.#groups = groups
  }

  /**
   * The verified principal of the credentials, or null without a token;
   * applies no action's rule. Verified once per HTTP request (see
   * `verifiedOnce`): a GraphQL operation's fields share it.
   */
  async identify(credentials: Credentials | undefined): Promise<Principal | null> {
    const token = bearerToken(credentials?.authorization)
    if (token === undefined) return null
    return verifiedOnce(credentials, () => this.#verify(token, credentials))
  }

  async #verify(token: string, credentials: Credentials | undefined): Promise<Principal> {
    const principal = principalFromClaims(await this.#verifier.verify(token))
    // Rate-limit buckets and job listings are per sub: a token without one would share them with every other.
    if (principal.sub === '') throw unauthorized('The token has no "sub" claim (a non-empty string naming the caller)', 'invalid_token')
    const certificate = credentials?.certificate
    return withGroup(certificate ? { ...principal, certificate } : principal, credentials?.groupId, this.#groups)
  }

  async authenticate(action: CompiledAction, credentials: Credentials | undefined): Promise<Principal | null> {
    return requireAccess(action, await this.identify(credentials), this.#groups, credentials?.groupId, 'requires a bearer token')
  }

  authorize(action: CompiledAction, principal: Principal | null, input: unknown): Promise<void> {
    return checkPredicate(action, principal, input)
  }
}
