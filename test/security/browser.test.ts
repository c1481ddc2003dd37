import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { actions, SECRET } from './support.ts'

describe('CORS (cors_allowed_origins)', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions }, { cors_allowed_origins: 'https://app.example.com,http://localhost:5173', auth_mode: 'jwt', jwt_secret: SECRET })
  })
  afterAll(() => t.close())

  it('echoes an allowed origin with Vary: Origin, and exposes the headers clients need', async () => {
    const res = await t.fetch('/actions/ping', { headers: { origin: 'https://app.example.com' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(res.headers.get('vary')).toMatch(/origin/i)
    expect(res.headers.get('access-control-expose-headers')).toContain('www-authenticate')
  })

  it('gives no allow-origin to any other origin', async () => {
    const res = await t.fetch('/actions/ping', { headers: { origin: 'https://evil.example.com' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers a preflight for an authorized POST', async () => {
    const res = await t.fetch('/actions/write-note', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
  })

  // Its own server, started inside the test: a server started in beforeAll covers no test (docs/testing.md).
  it('exposes exactly the headers a browser client reads, and lets a preflight of any method be cached for 10 minutes', async () => {
    const own = await createTestServer({ actions }, { cors_allowed_origins: 'https://app.example.com' })
    try {
      const res = await own.fetch('/actions/ping', { headers: { origin: 'https://app.example.com' } })
      expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
      expect(res.headers.get('access-control-expose-headers')?.split(',').map((h) => h.trim())).toEqual(['x-request-id', 'x-functions-version', 'www-authenticate', 'retry-after', 'location', 'etag'])
      const preflight = await own.fetch('/actions/write-note', { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' } })
      expect(preflight.status).toBe(204)
      expect(preflight.headers.get('access-control-allow-methods')?.split(',').map((m) => m.trim())).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
      expect(preflight.headers.get('access-control-max-age')).toBe('600')
    } finally {
      await own.close()
    }
  })

  it('adds nothing when the list is empty (the default)', async () => {
    const plain = await createTestServer({ actions })
    try {
      const res = await plain.fetch('/actions/ping', { headers: { origin: 'https://app.example.com' } })
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
      expect(res.headers.get('vary')).toBeNull()
      // No preflight is answered, so a browser sends no cross-origin call that needs one.
      const preflight = await plain.fetch('/actions/write-note', { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } })
      expect(preflight.status).toBe(405)
      expect(preflight.headers.get('access-control-allow-methods')).toBeNull()
    } finally {
      await plain.close()
    }
  })
})

describe('security headers on the docs pages', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions })
  })
  afterAll(() => t.close())

  it('sends helmet headers and a CSP swagger-ui works under, on /docs only', async () => {
    const docs = await t.fetch('/docs/static/index.html')
    expect(docs.status).toBe(200)
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff')
    expect(docs.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(docs.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups')
    const csp = docs.headers.get('content-security-policy')
    expect(csp).toMatch(/default-src 'self'.*object-src 'none'.*script-src 'self'/)
    expect(csp).not.toContain('upgrade-insecure-requests')
    const api = await t.fetch('/actions/ping')
    expect(api.headers.get('x-frame-options')).toBeNull()
    expect(api.headers.get('content-security-policy')).toBeNull()
  })
})
