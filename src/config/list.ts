/**
 * Splits a comma-separated list; a value holding a comma is double-quoted
 * as in CSV (`"a, b",c` → `['a, b', 'c']`).
 *
 * @example
 * ```ts
 * splitList('"example, foo",parent/bar') // ['example, foo', 'parent/bar']
 * ```
 */
export function splitList(text: string): string[] {
  const out: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted && ch === '"' && text[i + 1] === '"') {
      current += '"'
      i++
    } else if (ch === '"') {
      quoted = !quoted
    } else if (ch === ',' && !quoted) {
      out.push(current.trim())
      current = ''
    } else {
      current += ch
    }
  }
  out.push(current.trim())
  return out.filter((v) => v !== '')
}
