import { describe, expect, it } from 'vitest'
import { frames, parseClientFrame } from './frames.ts'

// The frames of SPEC §8, as written there.
const problem = { type: 'urn:serval:problem:not-found', title: 'Not found', status: 404 }
const spec = {
  hello: { channel: 'messenger', connectionId: 'c1' },
  event: { channel: 'messenger', event: { text: 'hi' } },
  output: { id: 1, output: 'Hello Ann!' },
  error: { id: 1, error: problem },
  item: { id: 1, item: { n: 1 } },
  end: { id: 1, end: true },
  subscribed: { id: 3, subscribed: 'messenger', connectionId: 'c1' },
  unsubscribed: { id: 4, unsubscribed: 'messenger' },
  badFrame: { id: null, error: problem },
}

const parse = (text: string) => parseClientFrame(Buffer.from(text), false, 64)

describe('server frames (SPEC §8)', () => {
  it('match the SPEC examples exactly', () => {
    expect(JSON.parse(frames.hello('messenger', 'c1'))).toEqual(spec.hello)
    expect(JSON.parse(frames.event('messenger', { text: 'hi' }))).toEqual(spec.event)
    expect(JSON.parse(frames.output(1, '"Hello Ann!"'))).toEqual(spec.output)
    expect(JSON.parse(frames.error(1, problem))).toEqual(spec.error)
    expect(JSON.parse(frames.item(1, '{"n":1}'))).toEqual(spec.item)
    expect(JSON.parse(frames.end(1))).toEqual(spec.end)
    expect(JSON.parse(frames.subscribed(3, 'messenger', 'c1'))).toEqual(spec.subscribed)
    expect(JSON.parse(frames.unsubscribed(4, 'messenger'))).toEqual(spec.unsubscribed)
    expect(JSON.parse(frames.error(null, problem))).toEqual(spec.badFrame)
  })

  it('send a void output as null and keep string ids as strings', () => {
    expect(JSON.parse(frames.output('a"b', undefined))).toEqual({ id: 'a"b', output: null })
    expect(JSON.parse(frames.cancelled(2, 1))).toEqual({ id: 2, cancelled: 1 })
  })
})

describe('client frames (SPEC §8)', () => {
  it('reads the SPEC examples', () => {
    expect(parse('{ "id": 1, "action": "sayHello", "input": {"name":"Ann"} }')).toEqual({ kind: 'call', id: 1, action: 'sayHello', input: { name: 'Ann' } })
    expect(parse('{ "id": 2, "cancel": 1 }')).toEqual({ kind: 'cancel', id: 2, cancel: 1 })
    expect(parse('{ "id": 3, "subscribe": "messenger" }')).toEqual({ kind: 'subscribe', id: 3, channel: 'messenger' })
    expect(parse('{ "id": 4, "unsubscribe": "messenger" }')).toEqual({ kind: 'unsubscribe', id: 4, channel: 'messenger' })
  })

  it('a frame that is not JSON is a 400 without an id; one that lacks an id is a 422 without one', () => {
    expect(parse('nope')).toMatchObject({ kind: 'bad', id: null, error: { status: 400, code: 'invalid-json' } })
    expect(parse('{"action":"x"}')).toMatchObject({ kind: 'bad', id: null, error: { status: 422 } })
    expect(parse('{"id":{},"action":"x"}')).toMatchObject({ kind: 'bad', id: null, error: { status: 422 } })
    expect(parse('"text"')).toMatchObject({ kind: 'bad', id: null, error: { status: 422 } })
    expect(parseClientFrame(Buffer.from('{}'), true, 64)).toMatchObject({ kind: 'bad', id: null, error: { status: 400 } })
  })

  it('a frame with an id but no verb is a 422 under that id; nesting past the limit is a 400', () => {
    expect(parse('{"id":7,"subscribe":5}')).toMatchObject({ kind: 'bad', id: 7, error: { status: 422 } })
    expect(parseClientFrame(Buffer.from(`{"id":1,"action":"a","input":${'['.repeat(100)}${']'.repeat(100)}}`), false, 64)).toMatchObject({ kind: 'bad', id: null, error: { status: 400 } })
  })
})
