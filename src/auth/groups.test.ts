import { describe, expect, it } from 'vitest'
import type { CompiledAction } from '../core/registry.ts'
import { declaresAccess } from './access.ts'
import { checkPredicate, requireAccess } from './enforce.ts'
import { checkAllowedGroups, withGroup } from './groups.ts'
import type { Principal } from './principal.ts'

const ada: Principal = { sub: 'ada', scopes: ['read'], groups: ['staff', 'ops'], claims: {} }
const none = { allowed: new Set<string>() }
const thrown = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

describe('withGroup', () => {
  it("takes X-Group-Id when it is one of the token's groups, else refuses it", () => {
    expect(withGroup(ada, 'ops', none)).toEqual({ ...ada, groupId: 'ops' })
    expect(withGroup(ada, 'ops', { ...none, defaultGroupId: 'staff' }).groupId).toBe('ops')
    expect(thrown(() => withGroup(ada, 'admins', none))).toMatchObject({ status: 403, detail: `X-Group-Id "admins" is not one of the token's groups` })
  })

  it('without X-Group-Id (or an empty one), uses default_group_id as is, or none', () => {
    expect(withGroup(ada, undefined, { ...none, defaultGroupId: 'elsewhere' }).groupId).toBe('elsewhere')
    expect(withGroup(ada, '', { ...none, defaultGroupId: 'elsewhere' }).groupId).toBe('elsewhere')
    expect(withGroup(ada, '', none)).toBe(ada)
    expect(withGroup(ada, undefined, none)).toBe(ada)
  })
})

describe('checkAllowedGroups', () => {
  it('lets everyone in when allowed_groups is empty', () => {
    expect(() => checkAllowedGroups({ ...ada, groups: [] }, none, 'anything')).not.toThrow()
  })

  it('refuses a principal in none of allowed_groups, and a chosen group that is not allowed', () => {
    const policy = { allowed: new Set(['ops']) }
    expect(() => checkAllowedGroups(ada, policy, undefined)).not.toThrow()
    expect(() => checkAllowedGroups(ada, policy, 'ops')).not.toThrow()
    expect(thrown(() => checkAllowedGroups({ ...ada, groups: ['staff'] }, policy, undefined))).toMatchObject({ status: 403, detail: 'The caller is in none of the allowed groups' })
    expect(thrown(() => checkAllowedGroups(ada, policy, 'staff'))).toMatchObject({ status: 403, detail: 'Group "staff" is not allowed' })
  })
})

describe('requireAccess and checkPredicate', () => {
  const actionWith = (access: unknown) => ({ name: 'notes', def: { access } }) as unknown as CompiledAction

  it('lets anyone call a public action, and hands on the principal it has', () => {
    expect(requireAccess(actionWith('public'), null, none, undefined, 'requires a token')).toBeNull()
    expect(requireAccess(actionWith('public'), ada, { allowed: new Set(['admins']) }, undefined, 'requires a token')).toBe(ada)
  })

  it('refuses a caller without a principal with a 401 naming the action and what to send', () => {
    for (const access of [undefined, 'authenticated', { scopes: ['read'] }]) {
      expect(thrown(() => requireAccess(actionWith(access), null, none, undefined, 'requires a bearer token'))).toMatchObject({ status: 401, detail: '"notes" requires a bearer token' })
    }
  })

  it('needs every listed scope, naming the missing ones in the 403 and its challenge', () => {
    expect(requireAccess(actionWith({ scopes: ['read'] }), ada, none, undefined, '')).toBe(ada)
    const one = thrown(() => requireAccess(actionWith({ scopes: ['read', 'write'] }), ada, none, undefined, ''))
    expect(one).toMatchObject({ status: 403, detail: '"notes" requires scope "write"', headers: { 'www-authenticate': expect.stringContaining('scope="read write"') } })
    const two = thrown(() => requireAccess(actionWith({ scopes: ['write', 'admin'] }), ada, none, undefined, ''))
    expect(two).toMatchObject({ detail: '"notes" requires scopes "write", "admin"' })
  })

  it('checks allowed_groups for a protected action', () => {
    expect(thrown(() => requireAccess(actionWith(undefined), ada, { allowed: new Set(['admins']) }, undefined, ''))).toMatchObject({ status: 403 })
  })

  it('runs a predicate with the principal and input; a trusted caller (no principal) skips it', async () => {
    const seen: unknown[] = []
    const predicate = async (p: Principal, input: unknown) => (seen.push([p.sub, input]), (input as { ok: boolean }).ok)
    const guarded = actionWith(predicate)
    expect(requireAccess(guarded, ada, none, undefined, '')).toBe(ada)
    await expect(checkPredicate(guarded, ada, { ok: true })).resolves.toBeUndefined()
    await expect(checkPredicate(guarded, ada, { ok: false })).rejects.toMatchObject({ status: 403, detail: 'Access to "notes" was denied for this input' })
    await expect(checkPredicate(guarded, null, { ok: false })).resolves.toBeUndefined()
    await expect(checkPredicate(actionWith({ scopes: [] }), ada, { ok: false })).resolves.toBeUndefined()
    expect(seen).toEqual([['ada', { ok: true }], ['ada', { ok: false }]])
  })

  it('declaresAccess is true for any rule but public', () => {
    expect([undefined, 'public'].map((access) => declaresAccess({ access } as never))).toEqual([false, false])
    expect(['authenticated', { scopes: [] }, () => true].map((access) => declaresAccess({ access } as never))).toEqual([true, true, true])
  })
})
