import { forbidden } from './challenge.ts'
import type { Principal } from './principal.ts'

/** `allowed_groups` and `default_group_id`, read once. */
export interface GroupPolicy {
  /** Empty: every group (and no group) is allowed. */
  readonly allowed: ReadonlySet<string>
  readonly defaultGroupId?: string | undefined
}

/**
 * Sets `principal.groupId`: the `X-Group-Id` the client sent, which must be
 * one of the token's groups (a header cannot grant membership), else
 * `default_group_id` (the operator's choice, taken as is).
 *
 * @example
 * ```ts
 * withGroup(principal, 'team-a', { allowed: new Set() }).groupId // 'team-a' (if the token lists it)
 * ```
 */
export function withGroup(principal: Principal, header: string | undefined, policy: GroupPolicy): Principal {
  if (header !== undefined && header !== '') {
    if (!principal.groups.includes(header)) throw forbidden(`X-Group-Id "${header}" is not one of the token's groups`)
    return { ...principal, groupId: header }
  }
  return policy.defaultGroupId === undefined ? principal : { ...principal, groupId: policy.defaultGroupId }
}

/**
 * With a non-empty `allowed_groups`, rejects (403) a principal in none of
 * them, and a request whose chosen group (`X-Group-Id`) is not allowed.
 *
 * @example
 * ```ts
 * checkAllowedGroups(principal, { allowed: new Set(['staff']) }) // throws unless principal is in "staff"
 * ```
 */
export function checkAllowedGroups(principal: Principal, policy: GroupPolicy, header: string | undefined): void {
  if (policy.allowed.size === 0) return
  if (!principal.groups.some((g) => policy.allowed.has(g))) throw forbidden('The caller is in none of the allowed groups')
  if (header && !policy.allowed.has(header)) throw forbidden(`Group "${header}" is not allowed`)
}
