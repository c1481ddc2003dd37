import { createReadStream, type Stats } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { extname, join, sep } from 'node:path'
import { Readable } from 'node:stream'
import { contentType } from 'mime-types'
import type { Route, RouteRequest, RouteResponse } from '../../app/route.ts'
import { byteRange } from '../../assets/range.ts'
import { ifNoneMatch } from '../../cache/etag.ts'
import { ServalError } from '../../errors/index.ts'
import { staticSegments } from './safe-path.ts'

const PREFIX = '/static/'
const CACHE_CONTROL = 'public, max-age=3600'

/**
 * `GET /static/*`: a file of the `static/` folders, first folder that has
 * it. `ETag` (size and mtime, as nginx makes it), `Last-Modified`, `304`
 * for `If-None-Match` / `If-Modified-Since`, `Cache-Control: public,
 * max-age=3600`, the content type of the extension, one byte range. No
 * credentials are read. Anything that could leave a folder is a 404 (see
 * `staticSegments`), and so is a symlink whose target lies outside it.
 *
 * @example
 * ```ts
 * const route = staticRoute(['/abs/examples/web/static'])
 * ```
 */
export function staticRoute(roots: readonly string[]): Route {
  return { method: 'GET', path: `${PREFIX}*`, handle: (request) => serveStatic(roots, request) }
}

async function serveStatic(roots: readonly string[], request: RouteRequest): Promise<RouteResponse> {
  // The raw path, not the router's decoded parameter: it is decoded once, in staticSegments.
  const segments = request.path.startsWith(PREFIX) ? staticSegments(request.path.slice(PREFIX.length)) : undefined
  const found = segments && (await findFile(roots, segments))
  if (!found) throw new ServalError('not-found', { detail: `No static file at ${request.path}` })
  const { file, stats } = found
  const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`
  const lastModified = stats.mtime.toUTCString()
  const headers = { etag, 'last-modified': lastModified, 'cache-control': CACHE_CONTROL, 'accept-ranges': 'bytes' }
  if (notModified(request, etag, stats.mtime)) return { status: 304, headers }
  const type = contentType(extname(file)) || 'application/octet-stream'
  const range = rangeOf(request, etag, lastModified, stats.size)
  const [start, end] = range ?? [0, stats.size - 1]
  const sized = { ...headers, 'content-type': type, 'content-length': String(end - start + 1), 'x-content-type-options': 'nosniff' }
  const status = range ? 206 : 200
  const all = range ? { ...sized, 'content-range': `bytes ${start}-${end}/${stats.size}` } : sized
  // HEAD gets the stream too: the adapter cancels it unread and keeps this content-length.
  if (stats.size === 0) return { status, headers: all, body: new Uint8Array() }
  return { status, headers: all, body: Readable.toWeb(createReadStream(file, { start, end })) }
}

/** The first root holding the file, its real path inside that root (a symlink out of it does not count). */
async function findFile(roots: readonly string[], segments: readonly string[]): Promise<{ file: string; stats: Stats } | undefined> {
  for (const root of roots) {
    try {
      const file = await realpath(join(root, ...segments))
      if (!file.startsWith(root + sep)) continue
      const stats = await stat(file)
      if (stats.isFile()) return { file, stats }
    } catch {
      // Missing here: try the next folder.
    }
  }
  return undefined
}

/** RFC 9110 §13.2.2: `If-None-Match` decides when sent; else `If-Modified-Since`, to the second. */
function notModified(request: RouteRequest, etag: string, mtime: Date): boolean {
  const match = request.headers['if-none-match']
  if (match !== undefined) return ifNoneMatch(match, etag)
  const since = Date.parse(request.headers['if-modified-since'] ?? '')
  return Number.isFinite(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since
}

/** The byte range asked for, unless `If-Range` names another version (then the whole file). */
function rangeOf(request: RouteRequest, etag: string, lastModified: string, size: number): [number, number] | undefined {
  const ifRange = request.headers['if-range']
  if (ifRange !== undefined && ifRange !== etag && ifRange !== lastModified) return undefined
  return size === 0 ? undefined : byteRange(request.headers.range, size)
}
