import { describe, expect, it } from 'vitest'
import { bearerToken, forbidden, unauthorized } from './challenge.ts'

describe('unauthorized', () => {
  it('asks for a token with a bare Bearer challenge, or names the error and a header-safe description', () => {
    expect(unauthorized('send a token').toProblem()).toMatchObject({ status: 401, detail: 'send a token' })
    expect(unauthorized('send a token').headers).toEqual({ 'www-authenticate': 'Bearer' })
    const rejected = unauthorized('The "token" is \\bad\r\nnow é', 'invalid_token')
    expect(rejected.headers).toEqual({ 'www-authenticate': `Bearer error="invalid_token", error_description="The 'token' is 'bad''now ?"` })
    expect(rejected.toProblem().detail).toBe('The "token" is \\bad\r\nnow é')
  })
})

describe('forbidden', () => {
  it('is a 403 without a challenge, or with an insufficient_scope challenge naming the scopes', () => {
    expect(forbidden('no').toProblem()).toMatchObject({ status: 403, detail: 'no' })
    expect(forbidden('no').headers).toBeUndefined()
    expect(forbidden('Requires scope "write"', ['write', 'notes:read']).headers).toEqual({
      'www-authenticate': `Bearer error="insufficient_scope", error_description="Requires scope 'write'", scope="write notes:read"`,
    })
  })
})

describe('bearerToken', () => {
  it('reads the token of a Bearer header (any case, trimmed); no header is no token', () => {
    expect(bearerToken(undefined)).toBeUndefined()
    expect(bearerToken('Bearer abc.def')).toBe('abc.def')
    expect(bearerToken('bearer  abc ')).toBe('abc')
    expect(bearerToken('BEARER x')).toBe('x')
  })

  it('refuses another scheme, a missing or empty token with a 401 invalid_request', () => {
    for (const header of ['', 'Bearer', 'Bearer ', 'Bearer    ', 'Basic abc', 'Token abc', 'Bearerabc']) {
      let error: unknown
      try {
        bearerToken(header)
      } catch (e) {
        error = e
      }
      expect(error, JSON.stringify(header)).toMatchObject({ status: 401, detail: 'The Authorization header must be "Bearer <token>"', headers: { 'www-authenticate': expect.stringContaining('error="invalid_request"') } })
    }
  })
})
