import { createHash } from 'node:crypto'

/**
 * JSON with every object's keys sorted, so `{a,b}` and `{b,a}` give one key.
 * `undefined` members are dropped, as `JSON.stringify` drops them.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const record = value as Record<string, unknown>
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
  return `{${members.join(',')}}`
}

/**
 * The cache key of one call: a SHA-256 (hex) over the action, the
 * functions version, the canonical input and, for a private entry, the
 * caller's `sub`. Hashed so that it fits a file name and a Redis key.
 *
 * @example
 * ```ts
 * cacheKey('add', 'zQm…', { a: 1, b: 2 }, undefined) // '3f1c…'
 * ```
 */
export function cacheKey(action: string, version: string, input: unknown, sub: string | undefined): string {
  const who = sub === undefined ? 'public' : `private:${sub}`
  return createHash('sha256').update(`${action}\n${version}\n${who}\n${canonicalJson(input)}`).digest('hex')
}
