import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { ApiKeys } from './api-keys.ts'

const sha = (key: string) => createHash('sha256').update(key).digest('hex')

describe('ApiKeys', () => {
  const keys = new ApiKeys([{ keySha256: sha('sk_billing'), sub: 'billing', scopes: ['invoices:read', 'invoices:write'], groups: ['finance'] }])

  it("gives a key's principal, with claims a handler can read (amr says it was an API key)", () => {
    expect(keys.principal('sk_billing')).toEqual({
      sub: 'billing',
      scopes: ['invoices:read', 'invoices:write'],
      groups: ['finance'],
      claims: { sub: 'billing', scope: 'invoices:read invoices:write', groups: ['finance'], amr: ['api_key'] },
    })
  })

  it('refuses an unknown key, and the empty one, with a 401 naming the header', () => {
    for (const key of ['sk_other', '', 'sk_billing ']) {
      expect(() => keys.principal(key)).toThrow(expect.objectContaining({ status: 401, detail: 'The API key (X-API-Key) is not valid' }))
    }
  })
})
