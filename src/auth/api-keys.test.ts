import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { ApiKeys } from './api-keys.ts'

const sha = (key: string) => createHash('sha256').update(key).digest('hex')

// Built inside each test, not at collection: Stryker's per-test coverage only sees code that runs in a test.
const billing = () => new ApiKeys([{ keySha256: sha('sk_billing'), sub: 'billing', scopes: ['invoices:read', 'invoices:write'], groups: ['finance'] }])

describe('ApiKeys', () => {

  it("gives a key's principal, with claims a handler can read (amr says it was an API key)", () => {
    expect(billing().principal('sk_billing')).toEqual({
      sub: 'billing',
      scopes: ['invoices:read', 'invoices:write'],
      groups: ['finance'],
      claims: { sub: 'billing', scope: 'invoices:read invoices:write', groups: ['finance'], amr: ['api_key'] },
    })
  })

  it('refuses an unknown key, and the empty one, with a 401 naming the header', () => {
    const keys = billing()
    for (const key of ['sk_other', '', 'sk_billing ']) {
      expect(() => keys.principal(key)).toThrow(expect.objectContaining({ status: 401, detail: 'The API key (X-API-Key) is not valid', headers: { 'www-authenticate': expect.stringContaining('error="invalid_token"') } }))
    }
  })
})
