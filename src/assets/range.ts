import { ServalError } from '../errors/index.ts'

/**
 * The one byte range a `Range` header asks of `size` bytes, as
 * `[start, end]` inclusive, or undefined to send everything (no header, a
 * unit other than bytes, several ranges, or a malformed one: RFC 9110
 * lets a server ignore those). A range that starts past the end is a 416.
 *
 * @example
 * ```ts
 * byteRange('bytes=0-99', 1000) // [0, 99]
 * byteRange('bytes=-10', 1000)  // [990, 999]
 * ```
 */
export function byteRange(header: string | undefined, size: number): [number, number] | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  const [first, last] = [m[1]!, m[2]!]
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) throw unsatisfiable(size)
    return [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) throw unsatisfiable(size)
  return [start, end]
}

function unsatisfiable(size: number): ServalError {
  return new ServalError('range-not-satisfiable', { detail: `The asset has ${size} bytes`, headers: { 'content-range': `bytes */${size}` } })
}
