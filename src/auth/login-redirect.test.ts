import { describe, expect, it } from 'vitest'
import { safeNext } from './login-redirect.ts'

describe('safeNext', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNext('/reports?year=2026#top')).toBe('/reports?year=2026#top')
    expect(safeNext('/a/../b')).toBe('/b')
    expect(safeNext('/')).toBe('/')
  })

  it('refuses anything that could leave the site, or is not a path, with the fallback', () => {
    for (const next of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'evil', '', '/\tx', '/a\nb', '/x\x7f', '/\x00']) {
      expect(safeNext(next, '/home'), JSON.stringify(next)).toBe('/home')
    }
    expect(safeNext(undefined)).toBe('/')
    expect(safeNext(['/a'])).toBe('/')
  })
})
