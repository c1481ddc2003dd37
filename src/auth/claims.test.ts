import { describe, expect, it } from 'vitest'
import { principalFromCertificate, principalFromClaims, words } from './claims.ts'

describe('principalFromClaims', () => {
  it('takes scopes from scope, scp and scopes (once each) and groups from groups', () => {
    const claims = { sub: 'ada', scope: 'read  write', scp: ['write', 'admin', 7], scopes: 'audit', groups: ['staff', 3, 'ops'] }
    expect(principalFromClaims(claims)).toEqual({ sub: 'ada', scopes: ['read', 'write', 'admin', 'audit'], groups: ['staff', 'ops'], claims })
  })

  it('gives an empty sub, no scopes and no groups when the claims have none (or of another type)', () => {
    expect(principalFromClaims({ sub: 42, scope: 5, groups: { a: 1 } })).toMatchObject({ sub: '', scopes: [], groups: [] })
  })
})

describe('principalFromCertificate', () => {
  it("names the client by its certificate's CN, else by its fingerprint", () => {
    expect(principalFromCertificate({ subject: { CN: 'billing', O: 'Acme' }, fingerprint256: 'AB:CD' })).toEqual({
      sub: 'billing',
      scopes: [],
      groups: [],
      claims: { CN: 'billing', O: 'Acme' },
      certificate: { subject: { CN: 'billing', O: 'Acme' }, fingerprint256: 'AB:CD' },
    })
    expect(principalFromCertificate({ subject: { O: 'Acme' }, fingerprint256: 'AB:CD' }).sub).toBe('cert:AB:CD')
    expect(principalFromCertificate({ subject: { CN: '' } }).sub).toBe('cert:')
  })
})

describe('words', () => {
  it('splits a string on any whitespace, keeps only the strings of an array, and is empty otherwise', () => {
    expect(words(' read\twrite\n admin ')).toEqual(['read', 'write', 'admin'])
    expect(words('')).toEqual([])
    expect(words(['a', 1, null, 'b'])).toEqual(['a', 'b'])
    expect(words(undefined)).toEqual([])
    expect(words(3)).toEqual([])
  })
})
