// Kept apart from connection.ts so the CLI can print a Redis URL without loading ioredis.

/**
 * A Redis URL without its password (nor a bare trailing `/`), for messages,
 * logs and `serval doctor`.
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
    return u.toString().replace(/\/$/, '')
  } catch {
    return 'redis://(unparsable url)'
  }
}
