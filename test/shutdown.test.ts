import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { action, buildHttpServer, createApp } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { gate } from './support/jobs.ts'

/** Shutdown over real sockets: draining answers 503, open streams get their error frame, the grace period cuts the rest. */

let release = gate()
let started = gate()
let handlerSignal: AbortSignal | undefined
const slow = action({ http: 'GET' }, async (_input, ctx) => {
  handlerSignal = ctx.signal
  started.open()
  await release.promise
  return { done: true }
})
// Ignores ctx.signal on purpose: only the grace period can end it.
const stuck = action({ http: 'GET' }, async () => {
  started.open()
  await new Promise(() => undefined)
})
const ticks = action({ http: 'GET' }, async function* () {
  for (let n = 0; ; n++) {
    yield { n }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
})
// Returns its stream only when released: shutdown can begin between the request and the stream.
let lateRuns = 0
const late = action({ http: 'GET' }, async (_input, ctx) => {
  handlerSignal = ctx.signal
  started.open()
  await release.promise
  return (async function* () {
    lateRuns++
    yield 1
  })()
})
const ping = action({ http: ['GET', 'POST'] }, () => 'pong')
const actions = Object.entries({ slow, stuck, ticks, late, ping }).map(([exportName, a]) => ({ action: a, exportName }))

let t: TestServer | undefined
afterEach(async () => {
  release.open()
  await t?.close()
  t = undefined
  release = gate()
  started = gate()
})

/** A raw keep-alive connection: what a client sees, byte for byte, until the server closes it. */
function rawConnection(url: string): { socket: Socket; text: () => string; closed: Promise<string> } {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  let text = ''
  socket.setEncoding('utf8').on('data', (d: string) => (text += d))
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(text)))
  socket.on('error', () => undefined)
  return { socket, text: () => text, closed }
}

const request = (path: string) => `GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n`

describe('draining', () => {
  it('answers /_sys/ready and every new request 503 with a problem, over a socket', async () => {
    const app = await createApp({ actions, settings: { log_level: 'silent' } })
    const server = await buildHttpServer(app)
    await server.listen({ host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`
    try {
      expect((await fetch(`${url}/_sys/ready`)).status).toBe(200)
      await app.close() // draining begins; the socket still accepts
      const ready = await fetch(`${url}/_sys/ready`)
      expect(ready.status).toBe(503)
      expect(ready.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(await ready.json()).toMatchObject({ type: 'urn:serval:problem:unavailable', status: 503, detail: 'The server is shutting down' })
      for (const [method, path] of [['GET', '/actions/ping'], ['POST', '/actions/ping'], ['GET', '/_sys/health'], ['GET', '/nowhere']] as const) {
        const res = await fetch(`${url}${path}`, { method })
        expect(res.status, `${method} ${path}`).toBe(503)
        expect((await res.json()).type).toBe('urn:serval:problem:unavailable')
      }
    } finally {
      await server.close()
    }
  })

  it('lets an in-flight request finish within the grace period, and tells its handler', async () => {
    t = await createTestServer({ actions }, { shutdown_grace_s: 30 })
    const conn = rawConnection(t.url)
    conn.socket.write(request('/actions/slow'))
    await started.promise
    const closing = t.close()
    expect(handlerSignal?.aborted).toBe(true) // ctx.signal follows shutdown at once
    release.open()
    const text = await conn.closed // the server closes the connection once it is idle
    await closing
    t = undefined
    expect(text).toMatch(/^HTTP\/1\.1 200 /)
    expect(text.endsWith('{"done":true}')).toBe(true)
  })
})

describe('shutdown and open streams', () => {
  it('ends an open SSE stream with an unavailable error frame and the end frame', async () => {
    t = await createTestServer({ actions }, { shutdown_grace_s: 30 })
    const res = await t.fetch('/actions/ticks')
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = decoder.decode((await reader.read()).value)
    expect(text).toContain('data: {"n":0}')
    const closing = t.close()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value)
    await closing
    t = undefined
    const frames = text.trim().split('\n\n')
    expect(frames.at(-2)).toMatch(/^event: error\ndata: /)
    expect(JSON.parse(frames.at(-2)!.split('data: ')[1]!)).toMatchObject({ type: 'urn:serval:problem:unavailable', status: 503, detail: 'The server is shutting down', instance: '/actions/ticks' })
    const count = frames.filter((f) => f.startsWith('data: {"n"')).length
    expect(frames.at(-1)).toBe(`event: end\ndata: {"count":${count}}`)
  })

  it('ends an open NDJSON stream with an {"error": …} line', async () => {
    t = await createTestServer({ actions }, { shutdown_grace_s: 30 })
    const res = await t.fetch('/actions/ticks', { headers: { accept: 'application/x-ndjson' } })
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = decoder.decode((await reader.read()).value)
    const closing = t.close()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value)
    await closing
    t = undefined
    const last = JSON.parse(text.trim().split('\n').at(-1)!)
    expect(last.error).toMatchObject({ type: 'urn:serval:problem:unavailable', status: 503 })
  })

  it('a stream that begins after shutdown began never starts its generator: the error frame and the end at once', async () => {
    t = await createTestServer({ actions }, { shutdown_grace_s: 30 })
    lateRuns = 0
    const answer = t.fetch('/actions/late')
    await started.promise
    const closing = t.close()
    await new Promise((resolve) => (handlerSignal!.aborted ? resolve(undefined) : handlerSignal!.addEventListener('abort', resolve, { once: true })))
    release.open()
    const text = await (await answer).text()
    await closing
    t = undefined
    const frames = text.trim().split('\n\n')
    expect(frames).toHaveLength(2)
    expect(JSON.parse(frames[0]!.split('data: ')[1]!)).toMatchObject({ type: 'urn:serval:problem:unavailable', status: 503, detail: 'The server is shutting down' })
    expect(frames[1]).toBe('event: end\ndata: {"count":0}')
    expect(lateRuns).toBe(0)
  })
})

describe('the grace period', () => {
  it('cuts a request still running when shutdown_grace_s ends, and close() resolves', async () => {
    t = await createTestServer({ actions }, { shutdown_grace_s: 1 })
    const conn = rawConnection(t.url)
    conn.socket.write(request('/actions/stuck'))
    await started.promise
    await t.close() // would never resolve if nothing cut the connection
    t = undefined
    expect(await conn.closed).toBe('') // cut: not a byte of response
  })

  it('with shutdown_grace_s=0 cuts at once', async () => {
    t = await createTestServer({ actions }, { shutdown_grace_s: 0 })
    const conn = rawConnection(t.url)
    conn.socket.write(request('/actions/slow'))
    await started.promise
    await t.close()
    t = undefined
    expect(await conn.closed).toBe('')
  })
})
