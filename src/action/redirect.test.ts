import { describe, expect, it } from 'vitest'
import { isRedirect, redirect } from 'serval'

describe('redirect()', () => {
  it('is a frozen value that serialises as { location, status }', () => {
    const r = redirect('/guestbook', 303)
    expect(isRedirect(r)).toBe(true)
    expect(Object.isFrozen(r)).toBe(true)
    expect(JSON.parse(JSON.stringify(r))).toEqual({ location: '/guestbook', status: 303 })
    expect(redirect('/x').status).toBe(307)
    expect(isRedirect({ location: '/x', status: 307 })).toBe(false)
  })

  it('refuses what cannot be a redirect', () => {
    expect(() => redirect('')).toThrow(/non-empty/)
    expect(() => redirect('/x\r\nset-cookie: a=b')).toThrow(/control characters/)
    expect(() => redirect('/x', 200 as never)).toThrow(/301, 302, 303, 307 or 308/)
  })
})
