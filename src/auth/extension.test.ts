import { describe, expect, it } from 'vitest'
import pino from 'pino'
import type { App } from '../app/app.ts'
import type { RouteRequest } from '../app/route.ts'
import { openSecurity, type Security } from '../core/security.ts'
import { CredentialSecurity } from './credential-security.ts'
import { registerDebugIssuer } from './debug-issuer.ts'
import { authExtension } from './extension.ts'
import type { Sessions } from './sessions.ts'

const groups = { groups: { allowed: new Set<string>() } }
const browser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

// Only what the extension reads of an app.
function appWith(security: Security, settings: Record<string, unknown> = {}, defs: Record<string, unknown>[] = []) {
  const warnings: { obj: unknown; msg: string }[] = []
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) })
  const registry = { list: () => defs.map((def, i) => ({ name: `a${i}`, def })) }
  const app = { security, settings: { auth_mode: 'none', login_path: '/login', ...settings }, registry, logger } as unknown as App
  return { app, warnings }
}
const withSessions = (closed: string[] = []) => new CredentialSecurity({ sessions: { close: async () => void closed.push('closed') } as unknown as Sessions }, groups)
const page = (path: string, query: RouteRequest['query'] = {}, headers: RouteRequest['headers'] = browser) => ({ method: 'GET', path, query, headers }) as unknown as RouteRequest

describe('authExtension', () => {
  it('sends a browser asking for a page it may not see to the login page, with the page and its query as next', async () => {
    const ext = authExtension()
    const { app } = appWith(withSessions())
    expect(await ext.onUnauthenticatedPage!(page('/reports', { year: '2026', tag: ['a', 'b'] }), app)).toEqual({ status: 303, headers: { location: `/login?next=${encodeURIComponent('/reports?year=2026&tag=a&tag=b')}` } })
    expect(await ext.onUnauthenticatedPage!(page('/reports'), app)).toEqual({ status: 303, headers: { location: '/login?next=%2Freports' } })
    expect(await ext.onUnauthenticatedPage!(page('/reports', {}, { accept: 'application/json' }), app)).toBeUndefined()
    expect(await ext.onUnauthenticatedPage!(page('/reports'), appWith(openSecurity).app)).toBeUndefined()
  })

  it('describes the auth mode in /_sys/info: mTLS, the dev token endpoint and the credential kinds, under the prefix', () => {
    const ext = authExtension()
    expect(ext.info!(appWith(openSecurity).app)).toEqual({ auth: { mode: 'none', mtls: false } })
    expect(ext.info!(appWith(openSecurity, { tls_client_ca: 'ca.pem' }).app)).toEqual({ auth: { mode: 'none', mtls: true } })
    const dev: Security = { ...openSecurity, open: false }
    registerDebugIssuer(dev, { key: {} as CryptoKey, password: 'pw' })
    expect(ext.info!(appWith(dev, { auth_mode: 'jwt', base_path: '/v2' }).app)).toEqual({ auth: { mode: 'jwt', mtls: false, tokenEndpoint: '/v2/auth/token' } })
    expect(ext.info!(appWith(withSessions(), { base_path: '/v2', login_path: '/in' }).app)).toEqual({ auth: { mode: 'none', mtls: false, apiKeys: false, basic: false, sessions: { loginPath: '/v2/in' } } })
    expect(ext.info!(appWith(new CredentialSecurity({}, groups)).app)).toEqual({ auth: { mode: 'none', mtls: false, apiKeys: false, basic: false, sessions: false } })
  })

  it('closes the session store when the app stops', async () => {
    const closed: string[] = []
    await authExtension().stop!(appWith(withSessions(closed)).app)
    expect(closed).toEqual(['closed'])
    await authExtension().stop!(appWith(openSecurity).app)
  })

  it('when serving with auth_mode=none and no credentials, warns once naming the actions whose rules are not enforced', () => {
    const ext = authExtension()
    const defs = [{ access: 'public' }, { access: { scopes: ['x'] } }, {}, { access: 'authenticated' }]
    const none = appWith(openSecurity, {}, defs)
    ext.serve!(none.app)
    expect(none.warnings).toHaveLength(1)
    expect(none.warnings[0]).toMatchObject({ actions: ['a1', 'a3'] })
    for (const quiet of [appWith(openSecurity, {}, [{ access: 'public' }, {}]), appWith(openSecurity, { auth_mode: 'jwt' }, defs), appWith(withSessions(), {}, defs)]) {
      ext.serve!(quiet.app)
      expect(quiet.warnings).toEqual([])
    }
  })
})
