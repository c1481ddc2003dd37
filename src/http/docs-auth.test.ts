// The Authorize dialog follows the document's security schemes, whichever capability added them.
import { describe, expect, it } from 'vitest'
import type { App } from '../app/app.ts'
import { docsAuthOptions } from './docs-auth.ts'

const BASE = "default-src 'self'; upgrade-insecure-requests; script-src 'self'"
const app = (settings: Record<string, unknown> = {}) => ({ settings: { oauth2_scopes: ['read'], ...settings } }) as unknown as App
const doc = (securitySchemes: Record<string, unknown>) => ({ components: { securitySchemes } })

describe('docsAuthOptions', () => {
  it('needs nothing for bearer, basic and API keys: swagger-ui asks for them itself', () => {
    const options = docsAuthOptions(app(), doc({ bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' }, key: { type: 'apiKey', in: 'header', name: 'x-api-key' } }))
    expect(options.initOAuth).toEqual({ scopes: ['read'] })
    expect(options.transformStaticCSP!(BASE)).toBe("default-src 'self'; script-src 'self'")
  })

  it('lets the page reach an OpenID Connect issuer and uses PKCE with the client id', () => {
    const options = docsAuthOptions(app({ oidc_client_id: 'docs' }), doc({ oidc: { type: 'openIdConnect', openIdConnectUrl: 'https://id.example.com/realms/x/.well-known/openid-configuration' } }))
    expect(options.initOAuth).toEqual({ scopes: ['read'], clientId: 'docs', usePkceWithAuthorizationCodeGrant: true })
    expect(options.transformStaticCSP!(BASE)).toContain("connect-src 'self' https://id.example.com")
  })

  it('reaches every OAuth2 endpoint on another origin, and none for a relative (own) token URL', () => {
    const schemes = {
      code: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://login.example.org/authorize', tokenUrl: 'https://token.example.org/token', scopes: {} } } },
      dev: { type: 'oauth2', flows: { password: { tokenUrl: '/auth/token', scopes: {} } } },
    }
    const csp = docsAuthOptions(app(), doc(schemes)).transformStaticCSP!(BASE)
    expect(csp).toMatch(/connect-src 'self' (?=.*https:\/\/login\.example\.org)(?=.*https:\/\/token\.example\.org)/)
    expect(docsAuthOptions(app(), doc({ dev: schemes.dev })).transformStaticCSP!(BASE)).not.toContain('connect-src')
  })
})
