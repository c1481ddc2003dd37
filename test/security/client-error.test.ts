import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createTestServer } from 'serval/testing'
import { actions } from './support.ts'

/** Writes `chunks` on a raw connection and resolves with all the server sent once it closes the connection. */
function exchange(url: string, ...chunks: string[]): Promise<string> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1')
  let text = ''
  socket.setEncoding('utf8').on('data', (d: string) => (text += d))
  socket.on('error', () => undefined)
  for (const chunk of chunks) socket.write(chunk)
  return new Promise((resolve) => socket.on('close', () => resolve(text)))
}

/** The status line, headers (lower-cased names) and parsed body of one raw HTTP/1.1 response. */
function parse(text: string): { status: string; headers: Record<string, string>; body: string } {
  const [head = '', body = ''] = text.split('\r\n\r\n')
  const [status = '', ...lines] = head.split('\r\n')
  return { status, headers: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])), body }
}

// A server per test, started inside it: a server started in beforeAll is covered by no test (docs/testing.md).
describe('requests Node refuses before the routes (clientErrorHandler)', () => {
  it('answers malformed HTTP with a 400 problem document, then closes the connection', async () => {
    const t = await createTestServer({ actions })
    try {
      const reply = parse(await exchange(t.url, 'THIS IS NOT HTTP\r\n\r\n'))
      expect(reply.status).toBe('HTTP/1.1 400 Bad Request')
      expect(reply.headers['content-type']).toBe('application/problem+json')
      expect(reply.headers.connection).toBe('close')
      expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(reply.body))
      expect(JSON.parse(reply.body)).toMatchObject({ type: 'urn:serval:problem:bad-request', status: 400, detail: 'The request is not valid HTTP' })
    } finally {
      await t.close()
    }
  })

  it('answers headers over max_header_size with a 431 naming the setting', async () => {
    const t = await createTestServer({ actions })
    try {
      const reply = parse(await exchange(t.url, `GET /actions/ping HTTP/1.1\r\nhost: x\r\nx-junk: ${'a'.repeat(20_000)}\r\n\r\n`))
      expect(reply.status).toBe('HTTP/1.1 431 Request Header Fields Too Large')
      expect(JSON.parse(reply.body)).toMatchObject({ type: 'urn:serval:problem:headers-too-large', status: 431, detail: 'The request line and headers are over max_header_size' })
    } finally {
      await t.close()
    }
  })

  it('on a keep-alive connection, answers garbage after a complete response with a 400, and never writes into a response under way', async () => {
    const t = await createTestServer({ actions })
    try {
      // Sent once the first response is in: a 400 follows it.
      const socket = connect(Number(new URL(t.url).port), '127.0.0.1')
      let text = ''
      socket.on('error', () => undefined)
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
      socket.setEncoding('utf8').on('data', (d: string) => {
        const first = text === ''
        text += d
        if (first) socket.write('NOT HTTP EITHER\r\n\r\n')
      })
      socket.write('GET /actions/ping HTTP/1.1\r\nhost: x\r\n\r\n')
      await closed
      expect(text.split(/(?=HTTP\/1\.1 )/).map((r) => parse(r).status)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request'])
      // Pipelined right behind the request, the garbage arrives while its response is being written: as
      // Node does, the connection is only closed, so the 200 stays the one response on it, whole.
      const pipelined = await exchange(t.url, 'GET /actions/ping HTTP/1.1\r\nhost: x\r\n\r\nNOT HTTP EITHER\r\n\r\n')
      const responses = pipelined.split(/(?=HTTP\/1\.1 )/)
      expect(responses.map((r) => parse(r).status)).toEqual(['HTTP/1.1 200 OK'])
      expect(JSON.parse(parse(responses[0]!).body)).toEqual({ sub: null })
    } finally {
      await t.close()
    }
  })
  it('closes its side of a connection whose client never ends it after the 431: a half-open socket is not held', async () => {
    const t = await createTestServer({ actions })
    try {
      // The server's own socket of the connection: the client cannot see it close (it already has the server's end).
      const serverSide = new Promise<Socket>((resolve) => t.server.server.once('connection', resolve))
      // allowHalfOpen: the client stays open after the server's end(), as a hostile or broken one may.
      const socket = connect({ port: Number(new URL(t.url).port), host: '127.0.0.1', allowHalfOpen: true })
      let text = ''
      socket.setEncoding('utf8').on('data', (d: string) => (text += d))
      socket.on('error', () => undefined)
      const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()))
      const server = await serverSide
      const closed = new Promise<void>((resolve) => server.once('close', () => resolve()))
      socket.write(`GET /actions/ping HTTP/1.1\r\nhost: x\r\nx-junk: ${'a'.repeat(20_000)}\r\n\r\n`)
      await ended // the 431, then the server's end
      expect(parse(text).status).toBe('HTTP/1.1 431 Request Header Fields Too Large')
      await closed // the server destroys its socket itself (after 2 s): the client never ended it
      expect(socket.writableEnded).toBe(false)
      socket.destroy()
    } finally {
      await t.close()
    }
  })
})
