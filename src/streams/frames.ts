import type { Problem } from '../errors/index.ts'
import type { StreamFormat } from './negotiate.ts'

/** How one stream format frames items, errors, the end and heartbeats. */
export interface Framing {
  readonly contentType: string
  /** One item, already serialised as JSON (no raw newlines: JSON escapes them). */
  item(json: string): string
  error(problem: Problem): string
  /** The last frame of a stream that ended normally or after an error; empty when the format has none. */
  end(count: number): string
  /** A frame that keeps idle connections (and proxies) open; empty when the format has none. */
  readonly heartbeat: string
}

/**
 * Server-sent events: one `data` event per item, `event: error` with a
 * problem, `event: end` (its data is `{"count":n}`: an event with empty
 * data is never dispatched by browsers), heartbeats as comments.
 */
const sse: Framing = {
  contentType: 'text/event-stream; charset=utf-8',
  item: (json) => `data: ${json}\n\n`,
  error: (problem) => `event: error\ndata: ${JSON.stringify(problem)}\n\n`,
  end: (count) => `event: end\ndata: {"count":${count}}\n\n`,
  heartbeat: ': heartbeat\n\n',
}

/** NDJSON: one JSON item per line; an error is a last line `{"error": problem}`. */
const ndjson: Framing = {
  contentType: 'application/x-ndjson',
  item: (json) => `${json}\n`,
  error: (problem) => `${JSON.stringify({ error: problem })}\n`,
  end: () => '',
  heartbeat: '',
}

/**
 * The framing of a format.
 *
 * @example
 * ```ts
 * framing('sse').item('{"n":1}') // 'data: {"n":1}\n\n'
 * ```
 */
export function framing(format: StreamFormat): Framing {
  return format === 'sse' ? sse : ndjson
}
