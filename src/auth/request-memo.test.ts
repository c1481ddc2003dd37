import { describe, expect, it } from 'vitest'
import type { Principal } from './principal.ts'
import { forOneRequest, verifiedOnce } from './request-memo.ts'

const ann = (expMs: number): Principal => ({ sub: 'ann', scopes: [], groups: [], claims: { sub: 'ann', exp: expMs / 1000 } })

function counting(result: () => Principal) {
  let calls = 0
  return { calls: () => calls, verify: async () => (calls++, result()) }
}

describe('verifying once per request', () => {
  it('shares one verification among the calls of a request, even concurrent ones, and none across requests', async () => {
    const v = counting(() => ann(Date.now() + 60_000))
    const request = forOneRequest({ authorization: 'Bearer t' })
    const principals = await Promise.all([1, 2, 3].map(() => verifiedOnce(request, v.verify)))
    expect(v.calls()).toBe(1)
    expect(new Set(principals).size).toBe(1)
    await verifiedOnce(forOneRequest({ authorization: 'Bearer t' }), v.verify)
    expect(v.calls()).toBe(2)
  })

  it('verifies again once the token’s exp has passed, so an expired token is refused within the same request', async () => {
    let now = 1_000_000
    let expired = false
    const v = counting(() => {
      if (expired) throw new Error('"exp" claim timestamp check failed')
      return ann(1_030_000)
    })
    const request = forOneRequest({ authorization: 'Bearer t' })
    await verifiedOnce(request, v.verify, () => now)
    now = 1_029_999
    await verifiedOnce(request, v.verify, () => now)
    expect(v.calls()).toBe(1)
    now = 1_030_000
    expired = true
    await expect(verifiedOnce(request, v.verify, () => now)).rejects.toThrow('exp')
    expect(v.calls()).toBe(2)
  })

  it('remembers no failure, and nothing for credentials not marked as one request’s (a socket’s)', async () => {
    let fail = true
    const v = counting(() => {
      if (fail) throw new Error('bad signature')
      return ann(Date.now() + 60_000)
    })
    const request = forOneRequest({ authorization: 'Bearer t' })
    await expect(verifiedOnce(request, v.verify)).rejects.toThrow()
    fail = false
    await expect(verifiedOnce(request, v.verify)).resolves.toMatchObject({ sub: 'ann' })
    const socket = { authorization: 'Bearer t' }
    await verifiedOnce(socket, v.verify)
    await verifiedOnce(socket, v.verify)
    expect(v.calls()).toBe(4)
  })
})
