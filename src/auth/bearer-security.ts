import type { CompiledAction } from '../core/registry.ts'
import type { Credentials, Security } from '../core/security.ts'
import { accessRule, missingScopes } from './access.ts'
import { bearerToken, forbidden, unauthorized } from './challenge.ts'
import { principalFromClaims } from './claims.ts'
import { checkAllowedGroups, withGroup, type GroupPolicy } from './groups.ts'
import type { Principal } from './principal.ts'
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

  /** The verified principal of the credentials, or null without a token; applies no action's rule. */
  async identify(credentials: Credentials | undefined): Promise<Principal | null> {
    const token = bearerToken(credentials?.authorization)
    if (token === undefined) return null
    const principal = principalFromClaims(await this.#verifier.verify(token))
    // Rate-limit buckets and job listings are per sub: a token without one would share them with every other.
    if (principal.sub === '') throw unauthorized('The token has no "sub" claim (a non-empty string naming the caller)', 'invalid_token')
    const certificate = credentials?.certificate
    return withGroup(certificate ? { ...principal, certificate } : principal, credentials?.groupId, this.#groups)
  }

  async authenticate(action: CompiledAction, credentials: Credentials | undefined): Promise<Principal | null> {
    const rule = accessRule(action.def)
    const principal = await this.identify(credentials)
    if (rule.public) return principal
    if (!principal) throw unauthorized(`"${action.name}" requires a bearer token`)
    checkAllowedGroups(principal, this.#groups, credentials?.groupId)
    const missing = missingScopes(rule, principal)
    if (missing.length) throw forbidden(`"${action.name}" requires scope${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')}`, rule.scopes)
    return principal
  }

  async authorize(action: CompiledAction, principal: Principal | null, input: unknown): Promise<void> {
    const { predicate } = accessRule(action.def)
    if (!predicate) return
    // authenticate never yields null for a non-public action, so a null here was
    // handed in by a trusted caller (the CLI, examples, app.call): no rule applies.
    if (!principal) return
    if (!(await predicate(principal, input))) throw forbidden(`Access to "${action.name}" was denied for this input`)
  }
}
