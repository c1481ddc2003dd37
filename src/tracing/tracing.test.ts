import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ProxyTracerProvider, SpanStatusCode } from '@opentelemetry/api'
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node'
import { action, ActionError, channelsSetup, createApp, webhook } from '../index.ts'
import { defaultExtensions } from '../app/extensions.ts'
import { loadSettings } from '../config/load.ts'
import { listen, type RunningServer } from '../http/listen.ts'
import { jobStatus, submit } from '../../test/support/jobs.ts'
import { openWs } from '../../test/support/ws.ts'
import { WebSocket } from 'ws'
import { InvocationTracing } from './span.ts'
import { formatTraceparent, parseTraceparent } from './traceparent.ts'

// The test registers the SDK itself, as an application would: Serval only uses the API.
const exporter = new InMemorySpanExporter()
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
provider.register()

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT = '00f067aa0ba902b7'
const traceparent = `00-${TRACE}-${PARENT}-01`

// A webhook receiver on a real socket: each delivery's headers.
const deliveries: IncomingHttpHeaders[] = []
let delivered: () => void = () => undefined
const receiver = createServer((req, res) => {
  deliveries.push(req.headers)
  req.resume().on('end', () => {
    res.end()
    delivered()
  })
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const orders = webhook('orders', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: 'test-secret', event: z.object({ id: z.number() }) })

const traced = action({ http: 'GET', output: z.object({ traceId: z.string().nullable() }) }, (_in, ctx) => ({ traceId: ctx.traceId ?? null }))
const refuse = action({ http: 'GET' }, () => {
  throw new ActionError(409, 'no')
})
const needs = action({ http: 'GET', input: z.object({ n: z.number() }) }, ({ n }) => n)
const order = action({}, async (_in) => {
  await orders.publish({ id: 7 })
  return 'published'
})
const work = action({}, () => 'done')

let running: RunningServer
const dataDir = mkdtempSync(join(tmpdir(), 'serval-tracing-'))
const url = (path: string) => `${running.url}${path}`
const spans = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name)

beforeAll(async () => {
  const { settings } = await loadSettings({ cli: { log_level: 'silent', port: 0, host: '127.0.0.1', data_dir: dataDir }, filesOff: true, env: {} })
  const channels = channelsSetup([{ channel: orders, exportName: 'orders' }], settings)
  const sources = Object.entries({ traced, refuse, needs, order, work }).map(([exportName, a]) => ({ action: a, exportName }))
  const app = await createApp({ actions: [...sources, ...channels.actions], settings, extensions: [...(await defaultExtensions(settings)), channels.extension] })
  running = await listen(app)
})
afterAll(async () => {
  await running?.close()
  await new Promise((resolve) => receiver.close(resolve))
  await provider.shutdown()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a span per invocation', () => {
  it('continues an incoming traceparent: ctx.traceId is its trace, the span its child', async () => {
    const res = await fetch(url('/actions/traced'), { headers: { traceparent } })
    expect(await res.json()).toEqual({ traceId: TRACE })
    const [span] = spans('traced')
    expect(span!.spanContext().traceId).toBe(TRACE)
    expect(span!.parentSpanContext?.spanId).toBe(PARENT)
    expect(span!.attributes).toMatchObject({ 'serval.action': 'traced', 'serval.transport': 'http', 'serval.status': 200 })
  })

  it('continues it through GraphQL too: each field is an invocation', async () => {
    const res = await fetch(url('/graphql'), { method: 'POST', headers: { traceparent, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ traced { traceId } }' }) })
    expect(await res.json()).toEqual({ data: { traced: { traceId: TRACE } } })
    expect(spans('traced').at(-1)!.attributes['serval.transport']).toBe('graphql')
  })

  it('starts a new trace without one (a malformed header counts as none)', async () => {
    const res = await fetch(url('/actions/traced'), { headers: { traceparent: '00-nothex-00f067aa0ba902b7-01' } })
    const { traceId } = (await res.json()) as { traceId: string }
    expect(traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(traceId).not.toBe(TRACE)
    expect(spans('traced').at(-1)!.parentSpanContext).toBeUndefined()
  })

  it('marks a failed call with its status', async () => {
    expect((await fetch(url('/actions/refuse'))).status).toBe(409)
    const [span] = spans('refuse')
    expect(span!.status.code).toBe(SpanStatusCode.ERROR)
    expect(span!.attributes['serval.status']).toBe(409)
  })

  it('marks a call whose input is refused as failed, with 422', async () => {
    const res = await fetch(url('/actions/needs?n=x'))
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ type: 'urn:serval:problem:invalid-input', errors: [expect.objectContaining({ path: '/n' })] })
    const [span] = spans('needs')
    expect(span!.status.code).toBe(SpanStatusCode.ERROR)
    expect(span!.attributes['serval.status']).toBe(422)
  })

  it('carries the trace into a job submitted over HTTP', async () => {
    const id = await submit(running.url, 'work', {}, { traceparent })
    await jobStatus(running.url, id, 'succeeded')
    const [span] = spans('work')
    expect(span!.spanContext().traceId).toBe(TRACE)
    expect(span!.parentSpanContext?.spanId).toBe(PARENT)
    expect(span!.attributes['serval.transport']).toBe('job')
  })

  it('carries the trace from a publishing handler into the webhook delivery, which sends traceparent', async () => {
    const arrived = new Promise<void>((resolve) => (delivered = resolve))
    const res = await fetch(url('/actions/order'), { method: 'POST', headers: { traceparent, 'content-type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(200)
    await arrived
    const header = parseTraceparent(deliveries.at(-1)!.traceparent as string)
    expect(header?.traceId).toBe(TRACE)
    // The delivery's span ends once the receiver's answer is read, just after it answered.
    await expect.poll(() => spans('webhook:orders').length).toBe(1)
    const delivery = spans('webhook:orders')[0]!
    // The receiver's parent is the delivery's span, itself a child of the publishing handler's.
    expect(header?.spanId).toBe(delivery.spanContext().spanId)
    expect(delivery.parentSpanContext?.spanId).toBe(spans('order')[0]!.spanContext().spanId)
  })
})

describe('over /ws', () => {
  const OTHER = 'a'.repeat(32)
  const wsUrl = () => `${running.url.replace('http', 'ws')}/ws`

  it('continues the handshake’s traceparent in every call on the socket', async () => {
    const ws = await openWs(wsUrl(), { headers: { traceparent } })
    ws.send({ id: 1, action: 'traced', input: {} })
    expect(await ws.next()).toEqual({ id: 1, output: { traceId: TRACE } })
    ws.send({ id: 2, action: 'traced', input: {} })
    expect(await ws.next()).toEqual({ id: 2, output: { traceId: TRACE } })
    await ws.close()
    const last = spans('traced').slice(-2)
    for (const span of last) {
      expect(span.parentSpanContext?.spanId).toBe(PARENT)
      expect(span.attributes['serval.transport']).toBe('ws')
    }
  })

  it('lets a call frame carry its own traceparent (a browser cannot set handshake headers)', async () => {
    const ws = await openWs(wsUrl(), { headers: { traceparent } })
    ws.send({ id: 1, action: 'traced', input: {}, traceparent: `00-${OTHER}-${PARENT}-01` })
    expect(await ws.next()).toEqual({ id: 1, output: { traceId: OTHER } })
    await ws.close()
    const bare = await openWs(wsUrl())
    bare.send({ id: 1, action: 'traced', input: {} })
    const frame = await bare.next()
    expect(frame.output.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(frame.output.traceId).not.toBe(TRACE)
    await bare.close()
  })

  it('carries it from a handler called over /ws into its webhook delivery', async () => {
    const arrived = new Promise<void>((resolve) => (delivered = resolve))
    const ws = await openWs(wsUrl(), { headers: { traceparent } })
    ws.send({ id: 1, action: 'order', input: {} })
    expect(await ws.next()).toEqual({ id: 1, output: 'published' })
    await ws.close()
    await arrived
    expect(parseTraceparent(deliveries.at(-1)!.traceparent as string)?.traceId).toBe(TRACE)
  })
})

describe('over GraphQL on a WebSocket (graphql-transport-ws)', () => {
  const OTHER = 'b'.repeat(32)
  async function operate(headers: Record<string, string>, payload: Record<string, unknown>) {
    const ws = new WebSocket(`${running.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers })
    const messages: { type: string; payload?: unknown }[] = []
    const next = new Promise<unknown>((resolve, reject) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; payload?: unknown }
        messages.push(m)
        if (m.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload }))
        if (m.type === 'next') resolve(m.payload)
      })
      ws.once('error', reject)
      ws.once('close', () => reject(new Error(`closed after ${JSON.stringify(messages)}`)))
    })
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })))
    try {
      return await next
    } finally {
      ws.close()
    }
  }

  it('continues the handshake’s traceparent, or the operation’s extensions.traceparent', async () => {
    expect(await operate({ traceparent }, { query: '{ traced { traceId } }' })).toEqual({ data: { traced: { traceId: TRACE } } })
    expect(await operate({ traceparent }, { query: '{ traced { traceId } }', extensions: { traceparent: `00-${OTHER}-${PARENT}-01` } })).toEqual({ data: { traced: { traceId: OTHER } } })
  })
})

describe('without an SDK', () => {
  it('ctx.traceId still follows a remote parent through the API no-op', async () => {
    const tracing = new InvocationTracing(new ProxyTracerProvider().getTracer('no-sdk'))
    const seen = await tracing.run({ name: 'x' } as never, { requestId: 'r', trigger: 'http', traceparent }, async (traceId) => traceId)
    expect(seen).toBe(TRACE)
    expect(await tracing.run({ name: 'x' } as never, { requestId: 'r', trigger: 'http' }, async (traceId) => traceId)).toBeUndefined()
  })

  it('parses and formats W3C traceparent', () => {
    expect(parseTraceparent(traceparent)).toEqual({ traceId: TRACE, spanId: PARENT, traceFlags: 1, isRemote: true })
    expect(formatTraceparent(parseTraceparent(traceparent)!)).toBe(traceparent)
    for (const bad of [undefined, '', `ff-${TRACE}-${PARENT}-01`, `00-${'0'.repeat(32)}-${PARENT}-01`, `00-${TRACE}-${'0'.repeat(16)}-01`, `00-${TRACE}-${PARENT}-01-extra`]) expect(parseTraceparent(bad)).toBeUndefined()
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-01-future`)?.traceId).toBe(TRACE)
  })
})
