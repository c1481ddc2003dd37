import { ServalClientError, parseProblem } from './error.ts'
import { parseSse } from './sse.ts'

/**
 * A stream's items: the JSON of each `message` event until `end`; an
 * `error` event rejects with its problem, and a body that ends before
 * `end` rejects too (the connection was cut, so items may be missing).
 *
 * @example
 * ```ts
 * for await (const item of streamItems(transport.ok({ method: 'POST', path: '/actions/countdown', body: { from: 3 } }))) console.log(item)
 * ```
 */
export async function* streamItems(response: Response | Promise<Response>): AsyncGenerator<unknown> {
  const res = await response
  if (!res.body) return
  for await (const event of parseSse(res.body)) {
    if (event.event === 'message') yield JSON.parse(event.data)
    else if (event.event === 'end') return
    else if (event.event === 'error') throw new ServalClientError(parseProblem(event.data) ?? { type: 'about:blank', title: 'Stream failed', status: 500, detail: event.data })
  }
  throw new Error('The stream ended before its end event (the connection was cut)')
}
