/**
 * Whether an `If-None-Match` value matches `etag` (RFC 9110 §13.1.2): `*`,
 * or any listed tag equal under weak comparison (a `W/` prefix is ignored).
 *
 * @example
 * ```ts
 * ifNoneMatch('"x", W/"abc"', '"abc"') // true
 * ```
 */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header === etag) return true // what a browser sends back: no list to split
  for (const raw of header.split(',')) {
    const tag = raw.trim()
    if (tag === '*') return true
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true
  }
  return false
}
