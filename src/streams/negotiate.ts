/** The wire formats a stream can take. */
export type StreamFormat = 'sse' | 'ndjson'

const NDJSON = 'application/x-ndjson'
const SSE = 'text/event-stream'

/**
 * Picks the stream format from an `Accept` header: NDJSON when the client
 * prefers `application/x-ndjson` over `text/event-stream`, else SSE (also
 * for `*\/*` and no header, so browsers' `EventSource` and curl get SSE).
 *
 * @example
 * ```ts
 * streamFormat('application/x-ndjson') // 'ndjson'
 * streamFormat(undefined) // 'sse'
 * ```
 */
export function streamFormat(accept: string | undefined): StreamFormat {
  if (!accept || !accept.includes(NDJSON)) return 'sse'
  const q = qualities(accept)
  return (q.get(NDJSON) ?? 0) > (q.get(SSE) ?? 0) ? 'ndjson' : 'sse'
}

function qualities(accept: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number(qParam.slice(2)) : 1
    out.set(type.trim().toLowerCase(), Number.isFinite(q) ? q : 0)
  }
  return out
}
