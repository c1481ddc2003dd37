import { describe, expect, it } from 'vitest'
import { crossSiteRefused, isUnsafeMethod, provesSameOrigin, trustedOrigins } from './csrf.ts'

describe('provesSameOrigin', () => {
  const self = 'https://app.example'
  it("takes the server's own Origin or a trusted one, and nothing else", () => {
    expect(provesSameOrigin({ origin: self }, self, [])).toBe(true)
    expect(provesSameOrigin({ origin: 'https://other.example' }, self, ['https://other.example'])).toBe(true)
    expect(provesSameOrigin({ origin: 'https://evil.example' }, self, ['https://other.example'])).toBe(false)
    expect(provesSameOrigin({ origin: 'null' }, self, [])).toBe(false)
  })

  it('an Origin decides even when Sec-Fetch-Site says same-origin', () => {
    expect(provesSameOrigin({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, self, [])).toBe(false)
  })

  it('without Origin, only Sec-Fetch-Site: same-origin proves it', () => {
    expect(provesSameOrigin({ 'sec-fetch-site': 'same-origin' }, self, [])).toBe(true)
    expect(provesSameOrigin({ 'sec-fetch-site': 'same-site' }, self, [])).toBe(false)
    expect(provesSameOrigin({ 'sec-fetch-site': 'cross-site' }, self, [])).toBe(false)
    expect(provesSameOrigin({}, self, [self])).toBe(false)
  })
})

describe('trustedOrigins', () => {
  it("trusts public_base_url's origin and the CORS origins", () => {
    expect(trustedOrigins({ public_base_url: 'https://app.example:8443/api/v1', cors_allowed_origins: ['https://a.example'] })).toEqual(['https://app.example:8443', 'https://a.example'])
    expect(trustedOrigins({ public_base_url: undefined, cors_allowed_origins: ['https://a.example'] } as never)).toEqual(['https://a.example'])
    expect(trustedOrigins({ public_base_url: '', cors_allowed_origins: [] } as never)).toEqual([])
  })
})

describe('isUnsafeMethod', () => {
  it('is false only for GET, HEAD and OPTIONS', () => {
    expect(['GET', 'HEAD', 'OPTIONS'].map(isUnsafeMethod)).toEqual([false, false, false])
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(isUnsafeMethod)).toEqual([true, true, true, true])
  })
})

describe('crossSiteRefused', () => {
  it('is the 403 cross-site-request problem, saying what to send instead', () => {
    expect(crossSiteRefused().toProblem()).toMatchObject({ status: 403, type: 'urn:serval:problem:cross-site-request', detail: expect.stringContaining('send a bearer token') })
  })
})
