import type { ActionDef } from '../action/types.ts'
import type { Principal } from './principal.ts'

/** An action's `access`, read once: who must present a token, which scopes, which predicate. */
export interface AccessRule {
  /** Callable without a token (`access: 'public'`). */
  readonly public: boolean
  /** Every one of these scopes is required. */
  readonly scopes: readonly string[]
  /** Decides with the validated input; runs after validation. */
  readonly predicate?: (principal: Principal, input: unknown) => boolean | Promise<boolean>
}

const PUBLIC: AccessRule = Object.freeze({ public: true, scopes: [] })
const AUTHENTICATED: AccessRule = Object.freeze({ public: false, scopes: [] })
const rules = new WeakMap<ActionDef, AccessRule>()

/**
 * The access rule of an action. No `access` means `'authenticated'`:
 * with auth on, an action is protected unless it says it is public.
 *
 * @example
 * ```ts
 * accessRule({ access: { scopes: ['write'] } }).scopes // ['write']
 * ```
 */
export function accessRule(def: ActionDef): AccessRule {
  let rule = rules.get(def)
  if (!rule) rules.set(def, (rule = readRule(def.access)))
  return rule
}

function readRule(access: ActionDef['access']): AccessRule {
  if (access === 'public') return PUBLIC
  if (access === undefined || access === 'authenticated') return AUTHENTICATED
  if (typeof access === 'function') return Object.freeze({ public: false, scopes: [], predicate: access as AccessRule['predicate'] })
  return Object.freeze({ public: false, scopes: [...access.scopes] })
}

/**
 * True when an action declares an access rule beyond `'public'`: with
 * `auth_mode=none` such rules are not enforced, and startup says so.
 *
 * @example
 * ```ts
 * declaresAccess({ access: { scopes: ['admin'] } }) // true
 * ```
 */
export function declaresAccess(def: ActionDef): boolean {
  return def.access !== undefined && def.access !== 'public'
}

/**
 * The scopes a principal lacks for a rule; empty when it has them all.
 *
 * @example
 * ```ts
 * missingScopes(accessRule(def), principal) // ['notes:write']
 * ```
 */
export function missingScopes(rule: AccessRule, principal: Principal): string[] {
  return rule.scopes.filter((s) => !principal.scopes.includes(s))
}
