import { describe, expect, it } from 'vitest'
import { CookieSigner, cookieValue, sessionSetCookie } from './session-cookie.ts'

describe('CookieSigner', () => {
  const signer = new CookieSigner('a-session-secret-of-enough-length')
  it('opens the cookies it issued, each with a new 43-character id', () => {
    const a = signer.issue()
    const b = signer.issue()
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.id).not.toBe(b.id)
    expect(a.value).toHaveLength(87)
    expect(signer.open(a.value)).toBe(a.id)
    expect(signer.open(b.value)).toBe(b.id)
  })

  it("refuses an edited, truncated, lengthened or foreign cookie", () => {
    const { id, value } = signer.issue()
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
    expect(signer.open(flip(value, 0))).toBeUndefined() // another id, same signature
    expect(signer.open(flip(value, 60))).toBeUndefined() // the signature edited
    expect(signer.open(value.slice(0, -1))).toBeUndefined()
    expect(signer.open(`${value}A`)).toBeUndefined()
    expect(signer.open(`${id}x.${value.slice(45)}`)).toBeUndefined() // the dot moved
    expect(signer.open(`${id}.${'A'.repeat(43)}`)).toBeUndefined()
    expect(signer.open(`${id}.${'!'.repeat(43)}`)).toBeUndefined() // not base64url: decodes to fewer bytes, still no throw
    expect(new CookieSigner('another-secret-of-enough-length').open(value)).toBeUndefined()
    expect(signer.open('')).toBeUndefined()
  })
})

describe('sessionSetCookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, Secure only over TLS', () => {
    expect(sessionSetCookie('v', 86_400, true)).toBe('serval_session=v; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax; Secure')
    expect(sessionSetCookie('', 0, false)).toBe('serval_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax')
  })
})

describe('cookieValue', () => {
  it('finds one cookie by name (the first, trimmed) and nothing else', () => {
    expect(cookieValue('a=1; serval_session=abc.def; b=2', 'serval_session')).toBe('abc.def')
    expect(cookieValue('serval_session= x ;serval_session=y', 'serval_session')).toBe('x')
    expect(cookieValue('xserval_session=1; serval_sessionx=2', 'serval_session')).toBeUndefined()
    expect(cookieValue('=serval_session; serval_session', 'serval_session')).toBeUndefined()
    expect(cookieValue('a=b=c', 'a')).toBe('b=c')
    expect(cookieValue('serval_sessionX; other=1', 'serval_session')).toBeUndefined() // a part without '='
    expect(cookieValue('', 'a')).toBeUndefined()
    expect(cookieValue(undefined, 'a')).toBeUndefined()
  })
})
