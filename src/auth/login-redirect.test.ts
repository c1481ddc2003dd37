import { describe, expect, it } from 'vitest'
import type { App } from '../app/app.ts'
import { openSecurity } from '../core/security.ts'
import { CredentialSecurity } from './credential-security.ts'
import { loginRedirectFor, safeNext } from './login-redirect.ts'
import type { Sessions } from './sessions.ts'

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

describe('loginRedirectFor', () => {
  // Only what loginRedirectFor reads of an app: its security (sessions on or off) and settings.
  const appWith = (settings: { login_path?: string; base_path?: string } = {}, sessions = true) =>
    ({ security: new CredentialSecurity(sessions ? { sessions: {} as Sessions } : {}, { groups: { allowed: new Set() } }), settings: { login_path: '/login', ...settings } }) as unknown as App
  const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

  it('sends a browser asking for a page (GET or HEAD) to login_path with next', () => {
    expect(loginRedirectFor(appWith(), { method: 'GET', url: '/reports?y=1', headers: browser })).toBe('/login?next=%2Freports%3Fy%3D1')
    expect(loginRedirectFor(appWith(), { method: 'HEAD', url: '/reports', headers: browser })).toBe('/login?next=%2Freports')
    expect(loginRedirectFor(appWith({ login_path: '/sign-in' }), { method: 'GET', url: '/', headers: browser })).toBe('/sign-in?next=%2F')
  })

  it('under a prefix, both the login path and next carry it', () => {
    expect(loginRedirectFor(appWith({ base_path: '/billing' }), { method: 'GET', url: '/reports', headers: browser })).toBe('/billing/login?next=%2Fbilling%2Freports')
  })

  it('the login page itself is sent to without a next (no loop)', () => {
    expect(loginRedirectFor(appWith(), { method: 'GET', url: '/login?next=%2Fx', headers: browser })).toBe('/login')
    expect(loginRedirectFor(appWith({ base_path: '/billing' }), { method: 'GET', url: '/login', headers: browser })).toBe('/billing/login')
    expect(loginRedirectFor(appWith(), { method: 'GET', url: '/login-help', headers: browser })).toBe('/login?next=%2Flogin-help')
  })

  it('never redirects without sessions, for another method, or a client that prefers JSON', () => {
    expect(loginRedirectFor(appWith({}, false), { method: 'GET', url: '/reports', headers: browser })).toBeUndefined()
    expect(loginRedirectFor({ security: openSecurity, settings: { login_path: '/login' } } as unknown as App, { method: 'GET', url: '/reports', headers: browser })).toBeUndefined()
    for (const method of ['POST', 'PUT', 'DELETE', 'get']) expect(loginRedirectFor(appWith(), { method, url: '/r', headers: browser }), method).toBeUndefined()
    const refused = [undefined, '', '*/*', 'application/json', 'application/json, text/html', 'application/problem+json,text/html', 'APPLICATION/VND.API+JSON, TEXT/HTML']
    for (const accept of refused) expect(loginRedirectFor(appWith(), { method: 'GET', url: '/r', headers: { accept } }), String(accept)).toBeUndefined()
  })

  it('takes a browser by text/html ahead of any JSON type, in any case, also over repeated Accept headers', () => {
    for (const accept of ['text/html', 'TEXT/HTML', 'text/html, application/json', 'text/html;q=0.9, application/ld+json']) {
      expect(loginRedirectFor(appWith(), { method: 'GET', url: '/r', headers: { accept } }), accept).toBe('/login?next=%2Fr')
    }
    expect(loginRedirectFor(appWith(), { method: 'GET', url: '/r', headers: { accept: ['text/plain', 'text/html'] } })).toBe('/login?next=%2Fr')
    expect(loginRedirectFor(appWith(), { method: 'GET', url: '/r', headers: { accept: ['application/json', 'text/html'] } })).toBeUndefined()
  })
})
