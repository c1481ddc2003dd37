/**
 * Encodes an input object as the query string a `GET` (or `DELETE`) action
 * reads, the way the server's query coercion (src/schema/coerce.ts) decodes
 * it: nested objects as `a[b]=1`, lists as `a[]=1&a[]=2` (a list of one stays
 * a list), lists of objects as `a[0][b]=1`, `null` as an empty value. An empty
 * list or object cannot be written and is left out.
 *
 * @example
 * ```ts
 * encodeQuery({ q: 'cat', tags: ['a', 'b'], page: { size: 10 } })
 * // 'q=cat&tags%5B%5D=a&tags%5B%5D=b&page%5Bsize%5D=10'
 * ```
 */
export function encodeQuery(input: unknown): string {
  const params = new URLSearchParams()
  const value = jsonValue(input)
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) append(params, key, v)
  }
  return params.toString()
}

function append(params: URLSearchParams, key: string, raw: unknown): void {
  const value = jsonValue(raw)
  if (value === undefined) return
  if (value === null) return params.append(key, '')
  if (Array.isArray(value)) {
    const scalars = value.every((v) => jsonValue(v) === null || typeof jsonValue(v) !== 'object')
    value.forEach((v, i) => append(params, scalars ? `${key}[]` : `${key}[${i}]`, v))
    return
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) append(params, `${key}[${k}]`, v)
    return
  }
  params.append(key, String(value))
}

/** What `JSON.stringify` would send: `toJSON()` applied (dates), functions and symbols dropped. */
function jsonValue(value: unknown): unknown {
  const v = value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value
  return typeof v === 'function' || typeof v === 'symbol' ? undefined : v
}
