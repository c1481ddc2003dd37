/** One server-sent event: its name (`message` when unnamed) and its data lines joined. */
export interface SseEvent {
  readonly event: string
  readonly data: string
}

/**
 * Parses a `text/event-stream` body into events, as the WHATWG rules say:
 * `\n`, `\r\n` or `\r` end lines, comments (`:`) are skipped, `data` lines
 * join with `\n`, a blank line dispatches. A trailing event without its
 * blank line is dropped, as browsers do.
 *
 * @example
 * ```ts
 * for await (const e of parseSse(res.body!)) if (e.event === 'message') console.log(JSON.parse(e.data))
 * ```
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const state = { event: '', data: [] as string[] }
  let rest = ''
  let afterCr = false
  try {
    for (;;) {
      const chunk = await reader.read()
      if (chunk.done) return
      const decoded = decoder.decode(chunk.value, { stream: true })
      // A `\r\n` may be split across chunks: a `\n` right after a chunk's final `\r` ends no second line.
      const text: string = rest + (afterCr && decoded.startsWith('\n') ? decoded.slice(1) : decoded)
      afterCr = text.endsWith('\r')
      const lines = text.split(/\r\n|\r|\n/)
      rest = lines.pop() ?? '' // a chunk may end inside a line
      for (const line of lines) {
        const event = feed(state, line)
        if (event) yield event
      }
    }
  } finally {
    // The consumer stopped early (or the body failed): closing the body ends the request.
    await reader.cancel().catch(() => undefined)
  }
}

/** Feeds one line; returns the event a blank line dispatches. */
function feed(state: { event: string; data: string[] }, line: string): SseEvent | undefined {
  if (line === '') {
    const event = state.data.length ? { event: state.event || 'message', data: state.data.join('\n') } : undefined
    state.event = ''
    state.data = []
    return event
  }
  if (line.startsWith(':')) return undefined
  const colon = line.indexOf(':')
  const field = colon < 0 ? line : line.slice(0, colon)
  const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1))
  if (field === 'data') state.data.push(value)
  else if (field === 'event') state.event = value
  return undefined
}
