import type { ActionDef } from '../action/types.ts'
import type { App } from '../app/app.ts'
import type { Principal } from '../auth/principal.ts'
import type { CompiledAction } from '../core/registry.ts'
import type { Credentials } from '../core/security.ts'
import type { ChannelAccess } from './types.ts'

/**
 * What the app's `Security` checks for a channel: the channel seen as an
 * action with its `access`, so tokens, groups, scopes and predicates are
 * judged exactly as for actions (401 without a valid token, 403 when denied).
 *
 * @example
 * ```ts
 * const gate: ChannelGate = channelGate('staff', { scopes: ['admin'] })
 * ```
 */
export type ChannelGate = Pick<CompiledAction, 'name' | 'def'>

/**
 * The gate of a channel's access rule.
 *
 * @example
 * ```ts
 * const gate = channelGate('messenger', 'public')
 * ```
 */
export function channelGate(name: string, access: ChannelAccess | undefined): ChannelGate {
  const rule = typeof access === 'function' ? (principal: Principal) => access(principal) : access
  return { name: `channel:${name}`, def: { access: rule } as ActionDef }
}

/**
 * Admits a subscriber: the verified principal (null when anonymous and the
 * channel allows it), or throws the 401/403 `ServalError`.
 *
 * @example
 * ```ts
 * const principal = await admit(app, gate, { authorization: 'Bearer …' })
 * ```
 */
export async function admit(app: App, gate: ChannelGate, credentials: Credentials | undefined): Promise<Principal | null> {
  const action = gate as CompiledAction
  const principal = await app.security.authenticate(action, credentials)
  if (!app.security.open) await app.security.authorize(action, principal, undefined)
  return principal
}
