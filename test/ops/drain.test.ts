import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { action } from 'serval'
import { opsOf } from '../../src/ops/index.ts'
import { createTestServer, type TestServer } from 'serval/testing'
import { stop } from '../support/serval-process.ts'
import { startCli, waitForLine } from '../support/cli.ts'
import { gate } from '../support/jobs.ts'

/**
 * Drain without resets: keep-alive clients posting in a loop, then a
 * shutdown. Every request is answered exactly once (a 200, or a 503 that
 * says the server is shutting down), no connection is reset, and the
 * only error a client may see is a refused NEW connection once the
 * listener has closed (nothing was sent on it).
 */

let handled = 0
let slowStarted = gate()
let slowRelease = gate()
const echo = action({ input: z.object({ n: z.number() }), output: z.object({ n: z.number() }) }, ({ n }) => (handled++, { n }))
const slow = action({ http: 'GET' }, async () => {
  slowStarted.open()
  await slowRelease.promise
  return 'slow done'
})
const actions = [
  { action: echo, exportName: 'echo' },
  { action: slow, exportName: 'slow' },
]

let t: TestServer | undefined
afterEach(async () => {
  slowRelease.open()
  await t?.close()
  t = undefined
  slowStarted = gate()
  slowRelease = gate()
})

interface Tally {
  sent: number
  ok: number
  draining503: number
  otherStatus: number[]
  errors: string[]
}

/** One keep-alive client posting in a loop until its next connection is refused. */
async function loop(url: string, path: string, agent: Agent, tally: Tally, onAnswer: () => void, body: string): Promise<void> {
  for (;;) {
    tally.sent++
    const outcome = await post(url, path, agent, body)
    if (outcome === 'ECONNREFUSED') return void tally.sent-- // never sent: the listener is gone
    if (typeof outcome === 'string') return void tally.errors.push(outcome)
    if (outcome.status === 200) tally.ok++
    else if (outcome.status === 503 && /shutting down/.test(outcome.body)) tally.draining503++
    else tally.otherStatus.push(outcome.status)
    onAnswer()
  }
}

function post(url: string, path: string, agent: Agent, body: string): Promise<{ status: number; body: string } | string> {
  return new Promise((resolve) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
    })
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
    req.end(body)
  })
}

/** 20 keep-alive clients in a loop; `shutdown` runs once `after` answers came back. */
async function storm(url: string, path: string, after: number, shutdown: () => Promise<unknown>, body = '{"n":1}'): Promise<Tally> {
  const tally: Tally = { sent: 0, ok: 0, draining503: 0, otherStatus: [], errors: [] }
  const agent = new Agent({ keepAlive: true, maxSockets: 20 })
  let answers = 0
  let closing: Promise<unknown> | undefined
  const onAnswer = () => {
    if (++answers === after) closing = shutdown()
  }
  await Promise.all(Array.from({ length: 20 }, () => loop(url, path, agent, tally, onAnswer, body)))
  await closing
  agent.destroy()
  return tally
}

describe('drain without resets', () => {
  it('in process: 20 keep-alive clients in a loop, then close(): 0 resets, each request answered once', async () => {
    handled = 0
    t = await createTestServer({ actions }, { shutdown_grace_s: 10 })
    const server = t
    const tally = await storm(t.url, '/actions/echo', 300, () => server.close())
    t = undefined
    expect(tally.errors).toEqual([]) // no ECONNRESET, no "socket hang up"
    expect(tally.otherStatus).toEqual([])
    expect(tally.ok + tally.draining503).toBe(tally.sent) // every request sent got one answer
    expect(tally.ok).toBe(handled) // and no handler ran for a request left unanswered
    expect(tally.ok).toBeGreaterThanOrEqual(300)
  })

  it('a real SIGTERM to `serval serve`: 0 resets, each request answered once', async () => {
    const child = startCli(['serve', 'test/fixtures/slow', '--port', '0', '--shutdown-grace-s', '10'])
    const url = JSON.parse(await waitForLine(child, /Serval listening/)).url as string
    try {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      const tally = await storm(url, '/actions/slow', 200, async () => child.kill('SIGTERM'), '{"ms":0}')
      expect(tally.errors).toEqual([])
      expect(tally.otherStatus).toEqual([])
      expect(tally.ok + tally.draining503).toBe(tally.sent)
      expect(tally.ok).toBeGreaterThanOrEqual(200)
      expect(await exited).toBe(0)
    } finally {
      await stop(child)
    }
  }, 30_000)
})

describe('pipelined requests during the drain', () => {
  it('answers a request pipelined behind an in-flight one with a 503, then closes the socket', async () => {
    t = await createTestServer({ actions }, { shutdown_grace_s: 10 })
    const app = t.app
    const { port } = new URL(t.url)
    const socket = connect(Number(port), '127.0.0.1')
    let text = ''
    socket.setEncoding('utf8').on('data', (d: string) => (text += d))
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.write('GET /actions/slow HTTP/1.1\r\nhost: x\r\n\r\n')
    await slowStarted.promise
    const closing = t.close()
    t = undefined
    // Sent after the drain began, on the same connection, behind the unanswered first request.
    socket.write('POST /actions/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n{"n":1}')
    await vi.waitFor(() => expect(opsOf(app).inFlight.size).toBe(2)) // parsed while the first is still running
    slowRelease.open()
    await closed
    await closing
    const responses = text.split(/(?=HTTP\/1\.1 )/)
    expect(responses).toHaveLength(2)
    expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /)
    expect(responses[0]).toContain('slow done')
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503 /)
    expect(responses[1]).toContain('The server is shutting down')
  })

  it('says Connection: close on the last response of a busy socket, and closes it after', async () => {
    t = await createTestServer({ actions }, { shutdown_grace_s: 10 })
    const { port } = new URL(t.url)
    const socket = connect(Number(port), '127.0.0.1')
    let text = ''
    socket.setEncoding('utf8').on('data', (d: string) => (text += d))
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
    socket.write('GET /actions/slow HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n')
    await slowStarted.promise
    const closing = t.close()
    t = undefined
    slowRelease.open()
    await closed
    await closing
    expect(text).toMatch(/^HTTP\/1\.1 200 /)
    expect(text.toLowerCase()).toContain('connection: close')
  })
})
