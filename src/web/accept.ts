/**
 * True when the client's `Accept` prefers JSON over HTML: the weight of the
 * best JSON range beats that of the best HTML range. No header, `*\/*`, or a
 * tie is HTML, because a page is HTML unless the client says otherwise.
 *
 * @example
 * ```ts
 * prefersJson('application/json') // true
 * prefersJson('text/html,application/xhtml+xml,*\/*;q=0.8') // false
 * ```
 */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false
  const ranges = parseAccept(accept)
  return weight(ranges, JSON_TYPES) > weight(ranges, HTML_TYPES)
}

const JSON_TYPES = ['application/json', 'application/problem+json']
const HTML_TYPES = ['text/html']

interface Range {
  readonly type: string
  readonly subtype: string
  readonly q: number
}

function parseAccept(accept: string): Range[] {
  const out: Range[] = []
  for (const part of accept.split(',')) {
    const [media = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const [type, subtype] = media.split('/')
    if (!type || !subtype) continue
    const qParam = params.find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    out.push({ type, subtype, q: Number.isFinite(q) ? q : 0 })
  }
  return out
}

/** The weight of the most specific range that matches any of the types (RFC 9110 §12.5.1). */
function weight(ranges: readonly Range[], types: readonly string[]): number {
  let best = 0
  for (const media of types) {
    const [type, subtype] = media.split('/')
    const exact = ranges.find((r) => r.type === type && r.subtype === subtype)
    const partial = ranges.find((r) => r.type === type && r.subtype === '*')
    const any = ranges.find((r) => r.type === '*' && r.subtype === '*')
    best = Math.max(best, (exact ?? partial ?? any)?.q ?? 0)
  }
  return best
}

/**
 * True when the client is a browser asking for a page: its `Accept` names
 * HTML and does not prefer JSON. The login redirect is for these only; an
 * API client gets its 401 problem.
 *
 * @example
 * ```ts
 * wantsHtml('text/html,*\/*;q=0.8') // true
 * wantsHtml('*\/*') // false
 * ```
 */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept || prefersJson(accept)) return false
  return parseAccept(accept).some((r) => (r.type === 'text' && (r.subtype === 'html' || r.subtype === '*')) && r.q > 0)
}
