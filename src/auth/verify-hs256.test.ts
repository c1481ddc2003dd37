import { describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { createHs256Verifier, devTokenKey, DEV_ISSUER, hs256Key } from './verify-hs256.ts'

const secret = 'a-jwt-secret-that-is-long-enough-for-hs256'
const sign = (key: CryptoKey, claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(key)

describe('hs256Key', () => {
  it('takes the secret as text or as raw bytes (a token signed with those bytes elsewhere verifies)', async () => {
    const bytes = new Uint8Array(Array.from({ length: 32 }, (_, i) => i * 7))
    const token = await new SignJWT({ sub: 'ada' }).setProtectedHeader({ alg: 'HS256' }).sign(bytes)
    expect(await createHs256Verifier(await hs256Key(bytes), { clockSkewS: 0 }).verify(token)).toMatchObject({ sub: 'ada' })
    const text = await new SignJWT({ sub: 'bob' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret))
    expect(await createHs256Verifier(await hs256Key(secret), { clockSkewS: 0 }).verify(text)).toMatchObject({ sub: 'bob' })
  })
})

describe('createHs256Verifier: dev tokens', () => {
  it('takes a dev token signed with the dev key for the audience, and nothing else that claims to be one', async () => {
    const key = await hs256Key(secret)
    const devKey = await devTokenKey(secret)
    const verifier = createHs256Verifier(key, { clockSkewS: 0, audience: 'api', devKey })
    expect(await verifier.verify(await sign(devKey, { sub: 'ada', iss: DEV_ISSUER, aud: 'api' }))).toMatchObject({ sub: 'ada' })
    await expect(verifier.verify(await sign(devKey, { sub: 'ada', iss: 'serval-debug', aud: 'api' }))).rejects.toMatchObject({ status: 401 })
    await expect(verifier.verify(await sign(devKey, { sub: 'ada', iss: DEV_ISSUER, aud: 'elsewhere' }))).rejects.toMatchObject({ status: 401 })
    await expect(verifier.verify(await sign(key, { sub: 'ada', iss: DEV_ISSUER, aud: 'api' }))).rejects.toMatchObject({ status: 401 })
  })

  it('refuses dev tokens outside dev mode, saying so', async () => {
    const key = await hs256Key(secret)
    const verifier = createHs256Verifier(key, { clockSkewS: 0 })
    await expect(verifier.verify(await sign(await devTokenKey(secret), { sub: 'ada', iss: DEV_ISSUER }))).rejects.toMatchObject({
      status: 401,
      detail: 'Tokens of the dev-mode token endpoint are refused outside dev mode',
      headers: { 'www-authenticate': expect.stringContaining('error="invalid_token"') },
    })
  })
})
