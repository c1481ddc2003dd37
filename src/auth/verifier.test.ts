import { describe, expect, it } from 'vitest'
import { errors } from 'jose'
import { ServalError } from '../errors/index.ts'
import { tokenError } from './verifier.ts'

describe('tokenError', () => {
  it('says which claim failed, in a 401 invalid_token', () => {
    const error = tokenError(new errors.JWTClaimValidationFailed('unexpected "iss" claim value', {}, 'iss', 'check_failed'))
    expect(error.toProblem()).toMatchObject({ status: 401, detail: 'The token\'s "iss" claim is invalid (check_failed)' })
    expect(error.headers).toMatchObject({ 'www-authenticate': expect.stringContaining('error="invalid_token"') })
  })

  it("names jose's failures in its own words, and any other as invalid", () => {
    expect(tokenError(new errors.JWTExpired('"exp" claim timestamp check failed', {})).toProblem().detail).toBe('The token has expired')
    expect(tokenError(new errors.JWSSignatureVerificationFailed()).toProblem().detail).toBe('The token signature is invalid')
    expect(tokenError(new errors.JWSInvalid('bad')).toProblem()).toMatchObject({ status: 401, detail: 'The token is malformed' })
    expect(tokenError(new errors.JOSEError('odd')).toProblem()).toMatchObject({ status: 401, detail: 'The token is invalid' })
    expect(tokenError(new Error('a raw message')).toProblem()).toMatchObject({ status: 401, detail: 'The token is invalid' })
  })

  it('is a 503 when a remote key set could not be fetched (timeout, bad key set, network), never for a bad token', () => {
    for (const cause of [new errors.JWKSTimeout(), new errors.JWKSInvalid('not a key set'), new errors.JOSEError('fetch failed'), new TypeError('fetch failed')]) {
      expect(tokenError(cause, true).toProblem(), cause.message).toMatchObject({ status: 503, detail: 'The identity provider could not be reached to verify the token; retry later' })
    }
    expect(tokenError(new errors.JWKSTimeout()).toProblem().status).toBe(401) // a local key has no issuer to reach
    expect(tokenError(new errors.JWSSignatureVerificationFailed(), true).toProblem().status).toBe(401)
    expect(tokenError(new errors.JWKSNoMatchingKey(), true).toProblem()).toMatchObject({ status: 401, detail: 'No key of the issuer matches the token' })
  })

  it('passes a ServalError through as it is', () => {
    const own = new ServalError('forbidden', { detail: 'no' })
    expect(tokenError(own, true)).toBe(own)
  })
})
