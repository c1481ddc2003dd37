import type { CompiledAction } from '../core/registry.ts'
import { accessRule, missingScopes } from './access.ts'
import { forbidden, unauthorized } from './challenge.ts'
import { checkAllowedGroups, type GroupPolicy } from './groups.ts'
import type { Principal } from './principal.ts'

/**
 * The access rule of an action applied to a verified principal (or
 * none), before validation: public actions take anyone; others need a
 * principal (401, the `missing` message naming what to send), an allowed
 * group and every required scope (403).
 *
 * @example
 * ```ts
 * return requireAccess(action, await this.identify(credentials), groups, credentials?.groupId, 'requires a bearer token')
 * ```
 */
export function requireAccess(action: CompiledAction, principal: Principal | null, groups: GroupPolicy, groupId: string | undefined, missing: string): Principal | null {
  const rule = accessRule(action.def)
  if (rule.public) return principal
  if (!principal) throw unauthorized(`"${action.name}" ${missing}`)
  checkAllowedGroups(principal, groups, groupId)
  const lacking = missingScopes(rule, principal)
  if (lacking.length) throw forbidden(`"${action.name}" requires scope${lacking.length > 1 ? 's' : ''} ${lacking.map((s) => `"${s}"`).join(', ')}`, rule.scopes)
  return principal
}

/**
 * Runs an action's predicate `access` after validation; a null principal
 * was handed in by a trusted caller (the CLI, `app.call`), for whom no
 * rule applies.
 *
 * @example
 * ```ts
 * await checkPredicate(action, principal, input)
 * ```
 */
export async function checkPredicate(action: CompiledAction, principal: Principal | null, input: unknown): Promise<void> {
  const { predicate } = accessRule(action.def)
  if (!predicate || !principal) return
  if (!(await predicate(principal, input))) throw forbidden(`Access to "${action.name}" was denied for this input`)
}
