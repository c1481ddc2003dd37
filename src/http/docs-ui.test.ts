import { describe, expect, it } from 'vitest'
import { createTestServer } from 'serval/testing'

// Each test starts its own server inside the test: routes registered in a beforeAll are covered by no test.
const BASIC = { dirs: ['test/fixtures/basic'] }
const CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; frame-ancestors 'self'; img-src 'self' data: validator.swagger.io; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'"

/** The `src` and `href` the page loads, in order. */
const links = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)

/** The swagger-ui config object the initializer script builds. */
const configOf = (script: string) => JSON.parse(/var config = (\{.*\});/.exec(script)![1]!) as Record<string, unknown>

describe('the docs UI (/docs)', () => {
  it('serves one page at /docs and /docs/static/index.html that loads only files it serves, under swagger-ui\'s policy', async () => {
    const t = await createTestServer(BASIC)
    try {
      for (const path of ['/docs', '/docs/static/index.html']) {
        const page = await t.fetch(path)
        expect(page.status).toBe(200)
        expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
        expect(page.headers.get('content-security-policy')).toBe(CSP)
        expect(page.headers.get('cache-control')).toBe('no-cache')
        const html = await page.text()
        expect(html).toMatch(/^<!DOCTYPE html>/)
        expect(html).toContain('<div id="swagger-ui"></div>')
        expect(links(html)).toEqual([
          '/docs/static/swagger-ui.css',
          '/docs/static/index.css',
          '/docs/static/favicon-32x32.png',
          '/docs/static/swagger-ui-bundle.js',
          '/docs/static/swagger-initializer.js',
        ])
      }
      const types: Record<string, string> = {
        'swagger-ui.css': 'text/css; charset=utf-8',
        'index.css': 'text/css; charset=utf-8',
        'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
        'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
        'oauth2-redirect.html': 'text/html; charset=utf-8',
        'oauth2-redirect.js': 'text/javascript; charset=utf-8',
        'favicon-32x32.png': 'image/png',
        'favicon-16x16.png': 'image/png',
        'swagger-initializer.js': 'text/javascript; charset=utf-8',
      }
      for (const [file, type] of Object.entries(types)) {
        const res = await t.fetch(`/docs/static/${file}`)
        expect(res.status, file).toBe(200)
        expect(res.headers.get('content-type'), file).toBe(type)
        expect(res.headers.get('content-security-policy'), file).toBe(CSP)
        expect((await res.arrayBuffer()).byteLength, file).toBeGreaterThan(100)
      }
      // Served from memory the second time: the same bytes.
      const again = await Promise.all([t.fetch('/docs/static/index.css'), t.fetch('/docs/static/index.css')])
      const [a, b] = await Promise.all(again.map((r) => r.text()))
      expect(a).toBe(b)
      const missing = await t.fetch('/docs/static/swagger-ui.js.map')
      expect(missing.status).toBe(404)
      expect(await missing.json()).toMatchObject({ type: 'urn:serval:problem:not-found', detail: 'No docs asset swagger-ui.js.map' })
    } finally {
      await t.close()
    }
  })

  it('sends the browser security headers on the docs pages, the OAuth2 popup allowed to report back, and none on API answers', async () => {
    const t = await createTestServer(BASIC)
    try {
      for (const path of ['/docs', '/docs/static/swagger-ui-bundle.js']) {
        const page = await t.fetch(path)
        expect(page.headers.get('x-content-type-options'), path).toBe('nosniff')
        expect(page.headers.get('x-frame-options'), path).toBe('SAMEORIGIN')
        expect(page.headers.get('referrer-policy'), path).toBe('no-referrer')
        // Not `same-origin`: the login popup of the Authorize dialog must be able to post back to the page.
        expect(page.headers.get('cross-origin-opener-policy'), path).toBe('same-origin-allow-popups')
        // No embedder policy: it would block the page's own cross-origin fetches to an issuer.
        expect(page.headers.get('cross-origin-embedder-policy'), path).toBeNull()
        // swagger-ui's own policy, not helmet's default one.
        expect(page.headers.get('content-security-policy'), path).toBe(CSP)
      }
      for (const path of ['/openapi.json', '/_sys/health']) {
        const res = await t.fetch(path)
        expect(res.headers.get('x-content-type-options'), path).toBeNull()
        expect(res.headers.get('content-security-policy'), path).toBeNull()
      }
    } finally {
      await t.close()
    }
  })

  it('starts swagger-ui on the app\'s document, without the top bar, with try-it-out on and authorization kept', async () => {
    const t = await createTestServer(BASIC)
    try {
      const script = await (await t.fetch('/docs/static/swagger-initializer.js')).text()
      expect(configOf(script)).toEqual({
        url: '/openapi.json',
        dom_id: '#swagger-ui',
        deepLinking: true,
        layout: 'BaseLayout',
        persistAuthorization: true,
        displayRequestDuration: true,
        tryItOutEnabled: true,
      })
      expect(script).toMatch(/^window\.onload = function \(\) \{/)
      expect(script).toContain('config.presets = [SwaggerUIBundle.presets.apis];')
      expect(script).toContain("config.oauth2RedirectUrl = window.location.origin + '/docs/static/oauth2-redirect.html';")
      expect(script).toContain('var ui = SwaggerUIBundle(config);')
      expect(script).toContain('ui.initOAuth({"scopes":[]});') // the auth capability's (no scheme asks for more)
      expect(script).toContain('window.ui = ui;')
    } finally {
      await t.close()
    }
  })

  it('under a mount (base_path), links every file and the redirect page under its prefix, on the page\'s own origin', async () => {
    const t = await createTestServer(BASIC, { base_path: '/billing/' })
    try {
      const html = await (await t.fetch('/docs')).text()
      expect(links(html).every((l) => l.startsWith('/billing/docs/static/'))).toBe(true)
      expect(links(html)).toHaveLength(5)
      const script = await (await t.fetch('/docs/static/swagger-initializer.js')).text()
      expect(configOf(script).url).toBe('/billing/openapi.json')
      expect(script).toContain('config.oauth2RedirectUrl = window.location.origin + "/billing/docs/static/oauth2-redirect.html";')
    } finally {
      await t.close()
    }
  })
})
