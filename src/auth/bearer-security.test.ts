import { describe, expect, it } from 'vitest'
import type { CompiledAction } from '../core/registry.ts'
import { BearerSecurity } from './bearer-security.ts'

const verifier = { verify: async (token: string) => ({ sub: token, scope: 'read' }) }
const notes = { name: 'notes', def: {} } as unknown as CompiledAction

describe('BearerSecurity', () => {
  const security = new BearerSecurity(verifier, { allowed: new Set() })

  it('has no principal for a call without credentials (an in-process call), and refuses it on a protected action', async () => {
    expect(await security.identify(undefined)).toBeNull()
    await expect(security.authenticate(notes, undefined)).rejects.toMatchObject({ status: 401, detail: '"notes" requires a bearer token' })
  })

  it("verifies the token and applies the request's group", async () => {
    const grouped = new BearerSecurity({ verify: async () => ({ sub: 'ada', groups: ['ops'] }) }, { allowed: new Set() })
    expect(await grouped.authenticate(notes, { authorization: 'Bearer t', groupId: 'ops' })).toMatchObject({ sub: 'ada', groupId: 'ops' })
    await expect(grouped.authenticate(notes, { authorization: 'Bearer t', groupId: 'admins' })).rejects.toMatchObject({ status: 403 })
  })

  it('refuses a token without a sub', async () => {
    await expect(security.identify({ authorization: 'Bearer  ' })).rejects.toMatchObject({ status: 401 })
    const anonymous = new BearerSecurity({ verify: async () => ({ scope: 'read' }) }, { allowed: new Set() })
    await expect(anonymous.identify({ authorization: 'Bearer t' })).rejects.toMatchObject({ status: 401, detail: 'The token has no "sub" claim (a non-empty string naming the caller)' })
  })
})
