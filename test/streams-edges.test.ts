import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { action, ActionError, buildHttpServer, createApp, type App } from 'serval'
import type { FastifyInstance } from 'fastify'
import { gate } from './support/jobs.ts'

/** Streams at their edges: odd items, failures logged, slow readers, a stop before the first item. */

const lines: Record<string, unknown>[] = []
const ended = { big: gate<string>(), never: gate<string>(), started: gate() }
const actions = {
  odd: action({ http: 'GET' }, async function* () {
    yield undefined
    yield null
    yield 'text with\nnewline'
  }),
  // The same through an item schema that lets undefined through (its serialiser then has no JSON for it).
  oddTyped: action({ http: 'GET', output: z.unknown() }, async function* () {
    yield undefined
    yield 'text'
  }),
  crash: action({ http: 'GET' }, async function* () {
    yield 1
    throw new Error('disk on fire at /var/secret')
  }),
  // Pauses between items: time for a heartbeat timer to fire, if one were set.
  paused: action({ http: 'GET' }, async function* () {
    yield 1
    await new Promise((resolve) => setTimeout(resolve, 30))
    yield 2
  }),
  // A hand-written async iterable: no return(), which the server must not need.
  bare: action({ http: 'GET' }, () => {
    let n = 0
    return { [Symbol.asyncIterator]: () => ({ next: async () => (n < 2 ? { value: n++, done: false } : { value: undefined, done: true }) }) }
  }),
  refused: action({ http: 'GET' }, async function* () {
    yield 1
    throw new ActionError(409, 'Changed meanwhile')
  }),
  // 24 items of 256 kB: more than socket buffers hold, so writes wait for drains.
  many: action({ http: 'GET' }, async function* () {
    for (let i = 0; i < 24; i++) yield `${i}:${'y'.repeat(256 * 1024)}`
  }),
  // Items far bigger than a socket buffer: a client that stops reading fills it.
  big: action({ http: 'GET' }, async function* () {
    try {
      for (;;) yield 'x'.repeat(256 * 1024)
    } finally {
      ended.big.open('big ended')
    }
  }),
  // Its first item comes only when ctx.signal aborts: a generator busy in an
  // await cannot be returned, so the signal is how the client's leaving reaches it.
  never: action({ http: 'GET' }, async function* (_input, ctx) {
    try {
      ended.started.open()
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))
      yield ctx.signal.aborted
    } finally {
      ended.never.open('never ended')
    }
  }),
}

let app: App
let server: FastifyInstance
let url: string
beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) })
  const sources = Object.entries(actions).map(([exportName, a]) => ({ action: a, exportName }))
  app = await createApp({ actions: sources, settings: { log_level: 'info', sse_heartbeat_s: 0 }, logger })
  server = await buildHttpServer(app, { docs: false })
  await server.listen({ host: '127.0.0.1', port: 0 })
  url = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`
})
afterAll(async () => {
  // The reader that stopped left unread bytes in a socket: cut it, as the grace period would.
  server.server.closeAllConnections()
  await server.close()
  await app.close()
})

describe('stream edges', () => {
  it('sends undefined items as null, and text with newlines as one JSON line', async () => {
    expect(await (await fetch(`${url}/actions/odd`)).text()).toBe('data: null\n\ndata: null\n\ndata: "text with\\nnewline"\n\nevent: end\ndata: {"count":3}\n\n')
    expect(await (await fetch(`${url}/actions/odd`, { headers: { accept: 'application/x-ndjson' } })).text()).toBe('null\nnull\n"text with\\nnewline"\n')
    expect(await (await fetch(`${url}/actions/odd-typed`)).text()).toBe('data: null\n\ndata: "text"\n\nevent: end\ndata: {"count":2}\n\n')
  })

  it('a failure after the first item: a 500 error frame that reveals nothing, logged with the request id', async () => {
    lines.length = 0
    const res = await fetch(`${url}/actions/crash`)
    const text = await res.text()
    expect(res.status).toBe(200)
    expect(text).not.toContain('secret')
    const [, error] = text.split('\n\n')
    expect(error).toMatch(/^event: error\ndata: /)
    expect(JSON.parse(error!.slice(error!.indexOf('data: ') + 6))).toMatchObject({
      type: 'urn:serval:problem:internal',
      status: 500,
      instance: '/actions/crash',
      requestId: res.headers.get('x-request-id'),
    })
    expect(text.endsWith('event: end\ndata: {"count":1}\n\n')).toBe(true)
    const logged = lines.find((l) => l.msg === 'stream failed: Internal server error')
    expect(logged).toMatchObject({ level: 50, reqId: res.headers.get('x-request-id'), err: expect.objectContaining({ message: 'disk on fire at /var/secret' }) })
  })

  it('a client error mid-stream is an error frame, not an error log line', async () => {
    lines.length = 0
    const text = await (await fetch(`${url}/actions/refused`)).text()
    expect(text).toContain('event: error\ndata: {"type":"urn:serval:problem:action-error"')
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([])
  })

  it('an iterable without return() streams, and HEAD on it answers without failing', async () => {
    expect(await (await fetch(`${url}/actions/bare`)).text()).toBe('data: 0\n\ndata: 1\n\nevent: end\ndata: {"count":2}\n\n')
    const head = await fetch(`${url}/actions/bare`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('x-accel-buffering')).toBeNull() // HEAD sends only the content type
  })

  it('a reader that keeps up slowly gets every item, through every backpressure wait', async () => {
    const res = await fetch(`${url}/actions/many`)
    expect(res.headers.get('x-accel-buffering')).toBe('no') // proxies must not buffer a stream
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true })
      await new Promise((resolve) => setImmediate(resolve)) // read slower than the server writes
    }
    const items = text.split('\n\n').filter((f) => f.startsWith('data: "'))
    expect(items.map((f) => Number(f.slice(7, f.indexOf(':', 7))))).toEqual(Array.from({ length: 24 }, (_, i) => i))
    expect(text.endsWith('event: end\ndata: {"count":24}\n\n')).toBe(true)
  })

  it('no heartbeat when sse_heartbeat_s is 0, even while the generator pauses', async () => {
    expect(await (await fetch(`${url}/actions/odd`)).text()).not.toContain(': heartbeat')
    expect(await (await fetch(`${url}/actions/paused`)).text()).toBe('data: 1\n\ndata: 2\n\nevent: end\ndata: {"count":2}\n\n')
  })

  it('a finished stream leaves no listener on the app: many streams, no leak warning', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error) => void warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      for (let i = 0; i < 15; i++) await (await fetch(`${url}/actions/odd`)).text()
      await new Promise((resolve) => setImmediate(resolve)) // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })

  it('a client that stops reading and goes away ends the generator (its finally runs)', async () => {
    ended.big = gate()
    const controller = new AbortController()
    const res = await fetch(`${url}/actions/big`, { signal: controller.signal })
    const reader = res.body!.getReader()
    await reader.read() // then read no more: the socket buffer fills, the server waits for drain
    controller.abort()
    expect(await ended.big.promise).toBe('big ended')
  })

  it('a client that goes away before the first item aborts ctx.signal, and the generator ends', async () => {
    ended.never = gate()
    ended.started = gate()
    const controller = new AbortController()
    const pending = fetch(`${url}/actions/never`, { signal: controller.signal }).catch((e: Error) => e.name)
    await ended.started.promise
    controller.abort()
    expect(await pending).toBe('AbortError')
    expect(await ended.never.promise).toBe('never ended')
    expect((await fetch(`${url}/actions/odd`)).status).toBe(200) // the server carries on
  })
})
