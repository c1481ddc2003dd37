import { ServalError, type Problem } from '../errors/index.ts'
import { parseJsonBody } from '../http/json-body.ts'

/**
 * A call id: what the client chose, echoed on every frame of the call.
 *
 * @example
 * ```ts
 * const id: CallId = 'call-1'
 * ```
 */
export type CallId = string | number

/**
 * A frame a client sends on `/ws`, parsed.
 *
 * @example
 * ```ts
 * const frame: ClientFrame = { kind: 'call', id: 1, action: 'sayHello', input: { name: 'Ann' } }
 * ```
 */
export type ClientFrame =
  | { readonly kind: 'call'; readonly id: CallId; readonly action: string; readonly input: unknown; readonly traceparent?: string }
  | { readonly kind: 'cancel'; readonly id: CallId; readonly cancel: CallId }
  | { readonly kind: 'subscribe'; readonly id: CallId; readonly channel: string }
  | { readonly kind: 'unsubscribe'; readonly id: CallId; readonly channel: string }

/**
 * A frame that could not be read: the error to answer, and the id it belongs to (null when there is none).
 *
 * @example
 * ```ts
 * if (frame.kind === 'bad') send(frames.error(frame.id, frame.error.toProblem()))
 * ```
 */
export interface BadFrame {
  readonly kind: 'bad'
  readonly id: CallId | null
  readonly error: ServalError
}

const isId = (v: unknown): v is CallId => (typeof v === 'string' && v.length <= 200) || (typeof v === 'number' && Number.isFinite(v))

/**
 * Reads one client frame: JSON text (400 otherwise), an object with an
 * `id` (422 otherwise) and one of `action`, `cancel`, `subscribe`,
 * `unsubscribe` (422 otherwise, with its id). Same JSON rules as HTTP
 * bodies (no `__proto__`, nesting bounded).
 *
 * @example
 * ```ts
 * parseClientFrame(Buffer.from('{"id":2,"cancel":1}'), false, 64) // { kind: 'cancel', id: 2, cancel: 1 }
 * ```
 */
export function parseClientFrame(data: Buffer, binary: boolean, maxDepth: number): ClientFrame | BadFrame {
  if (binary) return bad(null, new ServalError('invalid-json', { detail: 'Frames are JSON text; a binary frame was sent' }))
  let value: unknown
  try {
    value = parseJsonBody(data, maxDepth)
  } catch (error) {
    return bad(null, error as ServalError)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad(null, invalid('A frame is a JSON object'))
  const f = value as Record<string, unknown>
  if (!isId(f.id)) return bad(null, invalid('A frame needs an "id" (a string or a number)', '/id'))
  return readVerb(f.id, f)
}

function readVerb(id: CallId, f: Record<string, unknown>): ClientFrame | BadFrame {
  if (typeof f.action === 'string') return typeof f.traceparent === 'string' ? { kind: 'call', id, action: f.action, input: f.input, traceparent: f.traceparent } : { kind: 'call', id, action: f.action, input: f.input }
  if (isId(f.cancel)) return { kind: 'cancel', id, cancel: f.cancel }
  if (typeof f.subscribe === 'string') return { kind: 'subscribe', id, channel: f.subscribe }
  if (typeof f.unsubscribe === 'string') return { kind: 'unsubscribe', id, channel: f.unsubscribe }
  return bad(id, invalid('A frame needs "action" (a string), "cancel" (a call id), "subscribe" or "unsubscribe" (a channel name)'))
}

function bad(id: CallId | null, error: ServalError): BadFrame {
  return { kind: 'bad', id, error }
}

function invalid(detail: string, path = ''): ServalError {
  return new ServalError('invalid-input', { detail, errors: [{ path, message: detail }] })
}

const idText = (id: CallId | null): string => JSON.stringify(id)

/**
 * The frames the server sends, named in one place (SPEC §8). Each returns
 * the frame's JSON text; values already serialised (an output through its
 * schema) are spliced in as they are.
 *
 * @example
 * ```ts
 * frames.output(1, '"Hello Ann!"') // '{"id":1,"output":"Hello Ann!"}'
 * ```
 */
export const frames = {
  /** The first frame on `/channels/{name}`. */
  hello: (channel: string, connectionId: string): string => JSON.stringify({ channel, connectionId }),
  /** One event of a channel (on `/channels/{name}` and `/ws`). */
  event: (channel: string, event: unknown): string => `{"channel":${JSON.stringify(channel)},"event":${JSON.stringify(event)}}`,
  /** The output of a call; `json` is the output already serialised (undefined: a void output, sent as null). */
  output: (id: CallId, json: string | undefined): string => `{"id":${idText(id)},"output":${json ?? 'null'}}`,
  /** One item of a streaming call. */
  item: (id: CallId, json: string): string => `{"id":${idText(id)},"item":${json}}`,
  /** The end of a streaming call. */
  end: (id: CallId): string => `{"id":${idText(id)},"end":true}`,
  /** A call, or a frame, failed. */
  error: (id: CallId | null, problem: Problem): string => `{"id":${idText(id)},"error":${JSON.stringify(problem)}}`,
  subscribed: (id: CallId, channel: string, connectionId: string): string => JSON.stringify({ id, subscribed: channel, connectionId }),
  unsubscribed: (id: CallId, channel: string): string => JSON.stringify({ id, unsubscribed: channel }),
  /** The answer to a `cancel` frame (the cancelled call ends with a `call-cancelled` error). */
  cancelled: (id: CallId, call: CallId): string => JSON.stringify({ id, cancelled: call }),
} as const
