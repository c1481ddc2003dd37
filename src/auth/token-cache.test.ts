import { describe, expect, it } from 'vitest'
import { cachingVerifier } from './token-cache.ts'
import type { Claims } from './verifier.ts'

function counting(claims: (token: string) => Claims) {
  const calls: string[] = []
  return { calls, verifier: { verify: async (token: string) => (calls.push(token), claims(token)) } }
}

describe('the verified-token cache', () => {
  it('verifies a token once, then answers from memory until the sooner of exp and one minute', async () => {
    let now = 1_000_000
    const inner = counting(() => ({ sub: 'ada', exp: (1_000_000 + 30_000) / 1000 }))
    const cache = cachingVerifier(inner.verifier, () => now)
    await cache.verify('t1')
    await cache.verify('t1')
    expect(inner.calls).toEqual(['t1'])
    now += 30_001 // past exp: checked again (and the inner verifier decides)
    await cache.verify('t1')
    expect(inner.calls).toEqual(['t1', 't1'])
  })

  it('re-verifies after a minute even when exp is far away, and never caches a failure', async () => {
    let now = 0
    let fail = false
    const inner = counting(() => {
      if (fail) throw new Error('revoked key')
      return { sub: 'ada', exp: 10_000_000 }
    })
    const cache = cachingVerifier(inner.verifier, () => now)
    await cache.verify('t')
    now += 60_001
    fail = true
    await expect(cache.verify('t')).rejects.toThrow('revoked key')
    await expect(cache.verify('t')).rejects.toThrow('revoked key')
    expect(inner.calls).toHaveLength(3)
  })
})
