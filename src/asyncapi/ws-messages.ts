import { problemSchema } from '../openapi/schemas.ts'

type Json = Record<string, any>

const id = { oneOf: [{ type: 'string' }, { type: 'number' }], description: 'The call id the client chose; echoed on every frame of the call' }
const obj = (required: string[], properties: Json): Json => ({ type: 'object', required, properties })

/**
 * The frames of `/ws` a client sends (SPEC §8).
 *
 * @example
 * ```ts
 * clientFrames.call.payload.required // ['id', 'action']
 * ```
 */
export const clientFrames: Record<string, Json> = {
  call: { summary: 'Call an action', payload: obj(['id', 'action'], { id, action: { type: 'string' }, input: {}, traceparent: { type: 'string', description: "W3C traceparent of this call (else the handshake's): the call's span continues it" } }) },
  cancel: { summary: 'Abort a call in flight (its ctx.signal fires)', payload: obj(['id', 'cancel'], { id, cancel: id }) },
  subscribe: { summary: 'Subscribe to a channel', payload: obj(['id', 'subscribe'], { id, subscribe: { type: 'string' } }) },
  unsubscribe: { summary: 'Leave a channel', payload: obj(['id', 'unsubscribe'], { id, unsubscribe: { type: 'string' } }) },
}

/**
 * The frames of `/ws` the server sends (SPEC §8).
 *
 * @example
 * ```ts
 * serverFrames.end.payload.properties.end // { const: true }
 * ```
 */
export const serverFrames: Record<string, Json> = {
  output: { summary: 'The output of a call', payload: obj(['id', 'output'], { id, output: {} }) },
  item: { summary: 'One item of a streaming call', payload: obj(['id', 'item'], { id, item: {} }) },
  end: { summary: 'The end of a streaming call', payload: obj(['id', 'end'], { id, end: { const: true } }) },
  error: {
    summary: 'A call or a frame failed (id null: the frame could not be read)',
    payload: obj(['id', 'error'], { id: { oneOf: [...id.oneOf, { type: 'null' }] }, error: problemSchema }),
  },
  subscribed: { summary: 'A subscription is active', payload: obj(['id', 'subscribed', 'connectionId'], { id, subscribed: { type: 'string' }, connectionId: { type: 'string' } }) },
  unsubscribed: { summary: 'A subscription ended', payload: obj(['id', 'unsubscribed'], { id, unsubscribed: { type: 'string' } }) },
  cancelled: { summary: 'A cancel was applied', payload: obj(['id', 'cancelled'], { id, cancelled: id }) },
  channelEvent: { summary: 'An event of a subscribed channel', payload: obj(['channel', 'event'], { channel: { type: 'string' }, event: {} }) },
}
