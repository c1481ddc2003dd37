/**
 * True when the tests run under CI: any truthy `CI` (`true`, `1`, `yes`,
 * `on`, case-insensitive), as CI services set it in different spellings.
 * `CI=1` once skipped the Redis suites silently because only `"true"` counted.
 *
 * @example
 * ```ts
 * isCI({ CI: '1' }) // true
 * isCI({ CI: 'false' }) // false
 * ```
 */
export function isCI(env: Record<string, string | undefined> = process.env): boolean {
  return /^(true|1|yes|on)$/i.test((env.CI ?? '').trim())
}
