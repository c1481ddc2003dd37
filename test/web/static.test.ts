import { mkdirSync, symlinkSync, utimesSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action, type RunningServer } from 'serval'
import { SECRET } from '../security/support.ts'
import { rawGet, scratchDir, sourcesIn, webApp, webServer } from './support.ts'

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
const files = scratchDir({
  'site/pages.ts': '// placeholder',
  'site/static/style.css': 'body { color: red }',
  'site/static/app.js': 'console.log("hi")',
  'site/static/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'site/static/data.json': '{"a":1}',
  'site/static/index.html': '<p>index</p>',
  'site/static/font.woff2': 'wOF2',
  'site/static/LICENSE': 'no extension',
  'site/static/img.png': PNG,
  'site/static/sub/deep/file.txt': 'deep file',
  'site/static/.secret': 'DOTFILE-SECRET',
  'site/static/100%': 'PERCENT-SECRET',
  'site/static/.git/config': 'GIT-SECRET',
  'site/secret.txt': 'OUTSIDE-SECRET',
  'outside/secret.txt': 'OUTSIDE-SECRET',
  'extra/more.ts': '// placeholder',
  'extra/static/extra.css': '.extra {}',
})
const site = join(files.dir, 'site')
symlinkSync(join(site, 'static/style.css'), join(site, 'static/link-in.css'))
symlinkSync(join(site, 'secret.txt'), join(site, 'static/link-out.txt'))
symlinkSync(join(files.dir, 'outside'), join(site, 'static/dir-out'))
mkdirSync(join(site, 'static/empty-dir'))
const MTIME = new Date('2026-03-04T05:06:07Z')
utimesSync(join(site, 'static/style.css'), MTIME, MTIME)

let server: RunningServer
beforeAll(async () => {
  const actions = [...sourcesIn(join(site, 'pages.ts'), { home: action({ http: 'GET' }, () => 1) }), ...sourcesIn(join(files.dir, 'extra/more.ts'), { more: action({ http: 'GET' }, () => 2) })]
  // Auth on: static files must still need no credentials.
  server = await webServer(actions, { auth_mode: 'jwt', jwt_secret: SECRET })
})
afterAll(async () => {
  await server?.close()
  files.remove()
})
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers })

describe('/static/', () => {
  it('serves a file with ETag, Last-Modified and Cache-Control, without credentials', async () => {
    const res = await get('/static/style.css')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('body { color: red }')
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600')
    expect(res.headers.get('last-modified')).toBe(MTIME.toUTCString())
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/)
    expect(res.headers.get('content-length')).toBe('19')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('answers 304 to a matching If-None-Match or a later If-Modified-Since, and 200 otherwise', async () => {
    const etag = (await get('/static/style.css')).headers.get('etag')!
    const match = await get('/static/style.css', { 'if-none-match': etag })
    expect(match.status).toBe(304)
    expect(match.headers.get('etag')).toBe(etag)
    expect(match.headers.get('cache-control')).toBe('public, max-age=3600')
    expect(await match.text()).toBe('')
    expect((await get('/static/style.css', { 'if-none-match': `"other", W/${etag}` })).status).toBe(304)
    expect((await get('/static/style.css', { 'if-none-match': '"other"' })).status).toBe(200)
    expect((await get('/static/style.css', { 'if-modified-since': MTIME.toUTCString() })).status).toBe(304)
    expect((await get('/static/style.css', { 'if-modified-since': new Date(MTIME.getTime() - 1000).toUTCString() })).status).toBe(200)
    // If-None-Match decides when both are sent.
    expect((await get('/static/style.css', { 'if-none-match': '"other"', 'if-modified-since': MTIME.toUTCString() })).status).toBe(200)
  })

  it('sends the content type of each extension', async () => {
    const types: Record<string, string> = {
      'app.js': 'text/javascript; charset=utf-8',
      'logo.svg': 'image/svg+xml',
      'data.json': 'application/json; charset=utf-8',
      'index.html': 'text/html; charset=utf-8',
      'font.woff2': 'font/woff2',
      'img.png': 'image/png',
      LICENSE: 'application/octet-stream',
      'sub/deep/file.txt': 'text/plain; charset=utf-8',
    }
    for (const [name, type] of Object.entries(types)) expect([name, (await get(`/static/${name}`)).headers.get('content-type')]).toEqual([name, type])
    expect(Buffer.from(await (await get('/static/img.png')).arrayBuffer()).equals(PNG)).toBe(true)
  })

  it('answers HEAD with the headers and no body, and one byte range', async () => {
    const head = await fetch(`${server.url}/static/style.css`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('19')
    expect(await head.text()).toBe('')
    const part = await get('/static/style.css', { range: 'bytes=0-3' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 0-3/19')
    expect(await part.text()).toBe('body')
    expect((await get('/static/style.css', { range: 'bytes=99-' })).status).toBe(416)
    expect((await get('/static/style.css', { range: 'bytes=0-3', 'if-range': '"stale"' })).status).toBe(200)
  })

  it('merges the static/ folders of several function folders', async () => {
    expect(await (await get('/static/extra.css')).text()).toBe('.extra {}')
  })

  it('follows a symlink that stays inside the folder', async () => {
    expect(await (await get('/static/link-in.css')).text()).toBe('body { color: red }')
  })

  it('is 404 for a missing file, with a problem document', async () => {
    const res = await get('/static/nope.css')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  })
})

describe('/static/ on a raw socket (no client normalises the path)', () => {
  const attempts = [
    '/static/../secret.txt',
    '/static/../../outside/secret.txt',
    '/static/sub/../../secret.txt',
    '/static/..%2fsecret.txt',
    '/static/..%2Fsecret.txt',
    '/static/%2e%2e/secret.txt',
    '/static/%2E%2E/secret.txt',
    '/static/%2e%2e%2fsecret.txt',
    '/static/.%2e/secret.txt',
    '/static/%252e%252e/secret.txt',
    '/static/%252e%252e%252fsecret.txt',
    '/static/100%25',
    '/static/%25%32%65%25%32%65/secret.txt',
    '/static/..\\secret.txt',
    '/static/..%5csecret.txt',
    '/static/..%5Csecret.txt',
    '/static/sub\\..\\..\\secret.txt',
    '/static/./style.css',
    '/static//style.css',
    '/static/sub//deep/file.txt',
    '/static/%00style.css',
    '/static/style.css%00.png',
    '/static/.secret',
    '/static/%2esecret',
    '/static/.git/config',
    '/static/%2egit/config',
    '/static/link-out.txt',
    '/static/dir-out/secret.txt',
    '/static/',
    '/static/sub',
    '/static/empty-dir',
  ]
  it('refuses every traversal, encoded or not, with a 404 that leaks nothing', async () => {
    const seen: Record<string, number> = {}
    for (const target of attempts) {
      const res = await rawGet(server.url, target)
      seen[target] = res.status
      expect(res.body, target).not.toMatch(/SECRET/)
    }
    expect(seen).toEqual(Object.fromEntries(attempts.map((a) => [a, 404])))
  })

  it('answers a malformed percent-encoding 400 (the router refuses it before any file is looked at)', async () => {
    for (const target of ['/static/%', '/static/%zz', '/static/%e0%a4%a']) expect([target, (await rawGet(server.url, target)).status]).toEqual([target, 400])
  })

  it('serves the same files when asked plainly (the test can fail)', async () => {
    expect((await rawGet(server.url, '/static/style.css')).body).toBe('body { color: red }')
    expect((await rawGet(server.url, '/static/sub/deep/file.txt')).status).toBe(200)
    expect((await rawGet(server.url, '/static/sub%2Fdeep/file.txt')).status).toBe(404)
    expect((await rawGet(server.url, '/static/sub/deep/file.txt?v=1')).status).toBe(200)
  })
})

describe('several static/ folders', () => {
  it('refuse to start when two hold the same path, naming both files', async () => {
    const clash = scratchDir({ 'a/x.ts': '//', 'a/static/css/site.css': 'a', 'b/y.ts': '//', 'b/static/css/site.css': 'b' })
    try {
      const sources = [...sourcesIn(join(clash.dir, 'a/x.ts'), { x: action({}, () => 1) }), ...sourcesIn(join(clash.dir, 'b/y.ts'), { y: action({}, () => 1) })]
      const error = (await webApp(sources).catch((e: unknown) => e)) as { detail?: string }
      expect(error.detail).toContain('/static/css/site.css')
      // Files are named relative to the working directory when that is shorter: compare the tails.
      expect(error.detail).toContain(join(basename(clash.dir), 'a/static/css/site.css'))
      expect(error.detail).toContain(join(basename(clash.dir), 'b/static/css/site.css'))
    } finally {
      clash.remove()
    }
  })
})

describe('discovery', () => {
  it('never imports the scripts of a static/ folder as actions', async () => {
    const { discoverActions } = await import('serval')
    const dir = scratchDir({ 'plain.mjs': 'export const x = 1', 'static/boom.js': 'throw new Error("a browser script was imported")' })
    try {
      expect(await discoverActions([dir.dir])).toEqual([])
    } finally {
      dir.remove()
    }
  })
})
