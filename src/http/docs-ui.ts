import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { App } from '../app/app.ts'
import { basePath, publicBaseUrl } from '../config/public-url.ts'
import { ServalError } from '../errors/index.ts'
import { sendProblem } from './problem-reply.ts'

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

/** What the page's "Authorize" dialog is set up with (see the auth capability). */
export interface DocsUiOptions {
  initOAuth?: Record<string, unknown>
  /** Rewrites the Content-Security-Policy header of the docs pages. */
  transformStaticCSP?: (header: string) => string
}

// swagger-ui's own policy: every script and style is a same-origin file.
const BASE_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; frame-ancestors 'self'; img-src 'self' data: validator.swagger.io; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'"

/**
 * The interactive docs at `/docs`: swagger-ui's static build, read from
 * `swagger-ui-dist` on first request and kept in memory, with no plugin and
 * no file-serving stack loaded at startup.
 *
 * @example
 * ```ts
 * // The options are asked for on the first page view (the document's security schemes are known by then).
 * await server.register(async (scope) => registerDocsUi(scope, app, () => docsAuthOptions(app, doc)))
 * ```
 */
export function registerDocsUi(scope: FastifyInstance, app: App, options: () => DocsUiOptions = () => ({})): void {
  let resolved: { csp: string; initOAuth: Record<string, unknown> | undefined } | undefined
  const settled = () => (resolved ??= settle(options()))
  const page = (reply: FastifyReply, body: string | Buffer, type: string) =>
    reply.header('content-security-policy', settled().csp).header('cache-control', 'no-cache').type(type).send(body)
  const html = () => indexHtml(basePath(app.settings))
  scope.get('/docs', (_req, reply) => page(reply, html(), 'text/html; charset=utf-8'))
  scope.get('/docs/static/index.html', (_req, reply) => page(reply, html(), 'text/html; charset=utf-8'))
  scope.get('/docs/static/swagger-initializer.js', (_req, reply) =>
    page(reply, initializer(settled().initOAuth, publicBaseUrl(app.settings)), 'text/javascript; charset=utf-8'),
  )
  scope.get<{ Params: { file: string } }>('/docs/static/:file', async (request, reply) => {
    // Own keys only: `constructor` or `toString` must not pass for an asset.
    const type = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined
    if (!type) return sendProblem(app, request, reply, new ServalError('not-found', { detail: `No docs asset ${request.params.file}` }))
    return page(reply, await asset(request.params.file), type)
  })
}

function settle(options: DocsUiOptions): { csp: string; initOAuth: Record<string, unknown> | undefined } {
  return { csp: options.transformStaticCSP ? options.transformStaticCSP(BASE_CSP) : BASE_CSP, initOAuth: options.initOAuth }
}

const cache = new Map<string, Promise<Buffer>>()
let distDir: string | undefined

function asset(file: string): Promise<Buffer> {
  distDir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  let hit = cache.get(file)
  if (!hit) cache.set(file, (hit = readFile(join(distDir, file))))
  return hit
}

function indexHtml(base: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>API docs</title>
  <link rel="stylesheet" type="text/css" href="${base}/docs/static/swagger-ui.css">
  <link rel="stylesheet" type="text/css" href="${base}/docs/static/index.css">
  <link rel="icon" type="image/png" href="${base}/docs/static/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${base}/docs/static/swagger-ui-bundle.js" charset="UTF-8"></script>
  <script src="${base}/docs/static/swagger-initializer.js" charset="UTF-8"></script>
</body>
</html>
`
}

/** Behind a proxy the page's own origin may not be the public one: `base` (public_base_url) wins when set. */
function initializer(initOAuth: Record<string, unknown> | undefined, base: string | undefined): string {
  // A path-only base (a mount's /billing) is still resolved against the page's origin.
  const redirect = base === undefined
    ? "window.location.origin + '/docs/static/oauth2-redirect.html'"
    : base.startsWith('/')
      ? `window.location.origin + ${JSON.stringify(`${base}/docs/static/oauth2-redirect.html`)}`
      : JSON.stringify(`${base}/docs/static/oauth2-redirect.html`)
  const config = {
    url: `${base ?? ''}/openapi.json`,
    dom_id: '#swagger-ui',
    deepLinking: true,
    // BaseLayout: the API itself, without swagger-ui's top bar (its logo and a box to explore other URLs).
    layout: 'BaseLayout',
    persistAuthorization: true,
    displayRequestDuration: true,
    tryItOutEnabled: true,
  }
  return `window.onload = function () {
  var config = ${JSON.stringify(config)};
  config.presets = [SwaggerUIBundle.presets.apis];
  config.oauth2RedirectUrl = ${redirect};
  var ui = SwaggerUIBundle(config);
  ui.initOAuth(${JSON.stringify(initOAuth ?? {})});
  window.ui = ui;
};
`
}
