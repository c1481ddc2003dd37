// Encoded separators and NUL are refused before decoding: `a%2fb` must not name `a/b`.
const ENCODED_SEPARATOR = /%(?:2f|5c|00)/i
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * The file a `/static/` URL names, as path segments, or undefined for
 * anything that could step out of the folder or at a hidden file: `..` and
 * `.` segments (plain or percent-encoded), encoded slashes and
 * backslashes, backslashes, empty segments, control characters, dot-files
 * and dot-folders, and a `%` left after decoding once (double encoding such
 * as `%252e`). The URL is decoded exactly once, here; every check runs on
 * the decoded text. Refused paths are 404s, like missing files: the
 * answer says nothing about what exists.
 *
 * @example
 * ```ts
 * staticSegments('css/site.css') // ['css', 'site.css']
 * staticSegments('%2e%2e/secret') // undefined
 * ```
 */
export function staticSegments(rawPath: string): string[] | undefined {
  if (rawPath === '' || rawPath.includes('\\') || ENCODED_SEPARATOR.test(rawPath)) return undefined
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return undefined
  }
  if (decoded.includes('%') || decoded.includes('\\') || CONTROL.test(decoded)) return undefined
  const segments = decoded.split('/')
  return segments.every((s) => s !== '' && !s.startsWith('.')) ? segments : undefined
}
