// Kept apart from connection.ts so the CLI can print a Redis URL without loading ioredis.

/**
 * A Redis URL without its password, for messages and logs.
 *
 * @example
 * ```ts
 * redact('redis://:s3cret@db:6379') // 'redis://:***@db:6379'
 * ```
 */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'redis://(unparsable url)'
  }
}
