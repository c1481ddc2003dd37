import { sha256 } from './hash.ts'

/**
 * JSON with every object's keys sorted, so `{a,b}` and `{b,a}` give one key.
 * `undefined` members are dropped (and are `null` in arrays), as `JSON.stringify` does; a value
 * with `toJSON` (a `Date`) is keyed by what it gives, a bigint by its digits.
 * `undefined` when the value has no JSON form that tells it apart from
 * another (a `File`, a `Map`, a class instance): such a call is not cached.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 * canonicalJson({ file: new File([], 'a') }) // undefined
 * ```
 */
export function canonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null'
    case 'boolean':
      return value ? 'true' : 'false'
    case 'undefined':
      return 'null'
    case 'bigint':
      return `${value}n`
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? arrayJson(value) : objectJson(value)
    default:
      return undefined // a function or a symbol has no JSON form
  }
}

// Loops rather than map/filter/join: this runs on every call of a cached action, a HIT included.
function arrayJson(items: readonly unknown[]): string | undefined {
  let out = '['
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    const json = canonicalJson(item)
    if (json === undefined) return undefined
    out += i === 0 ? json : `,${json}`
  }
  return `${out}]`
}

function objectJson(value: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    return typeof toJSON === 'function' ? canonicalJson(toJSON.call(value)) : undefined
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  // The common input (sorted keys, plain values) is what JSON.stringify gives, natively.
  if (sorted(keys) && flat(record, keys)) return JSON.stringify(record)
  keys.sort()
  let out = '{'
  for (const k of keys) {
    const member = record[k]
    if (member === undefined) continue
    const json = canonicalJson(member)
    if (json === undefined) return undefined
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(k)}:${json}`
  }
  return `${out}}`
}

/** True when every member is a string, a finite number, a boolean, null or undefined: JSON.stringify's own output then. */
function flat(record: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const k of keys) {
    const v = record[k]
    const t = typeof v
    if (!(t === 'string' || t === 'boolean' || t === 'undefined' || v === null || (t === 'number' && Number.isFinite(v)))) return false
  }
  return true
}

/** Most inputs come with their keys in schema order, often sorted already: then there is no sort to pay. */
function sorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false
  return true
}

/**
 * The in-memory cache key of one call: the action, the scope (with the
 * caller's `sub` when private) and the canonical input, one per line. Kept
 * as text and short (a HIT hashes it for the LRU's Map, no SHA-256); the
 * functions version is not in it, as a process serves one version, but is
 * in {@link storageName}, the name a store gives it on disk or in Redis.
 * An action's name holds no newline and JSON never does, so the first and
 * the last newline split a key one way only (a `sub` may hold one): two
 * different calls never make one key.
 * `undefined` when the input cannot be keyed (see {@link canonicalJson}).
 *
 * @example
 * ```ts
 * cacheKey('add', { a: 1, b: 2 }, undefined) // 'add\npublic\n{"a":1,"b":2}'
 * ```
 */
export function cacheKey(action: string, input: unknown, sub: string | undefined): string | undefined {
  const json = canonicalJson(input)
  if (json === undefined) return undefined
  return `${action}\n${sub === undefined ? 'public' : `private:${sub}`}\n${json}`
}

/**
 * The SHA-256 (hex) of the functions version and a cache key: the entry's
 * file name under `data_dir/cache` and its Redis key, short and safe
 * whatever the input, and different for every version.
 *
 * @example
 * ```ts
 * storageName('zQm…', cacheKey('add', { a: 1, b: 2 }, undefined)!) // '3f1c…'
 * ```
 */
export function storageName(version: string, key: string): string {
  return sha256(`${version}\n${key}`, 'hex')
}
