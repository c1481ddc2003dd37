import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node'
import { pino } from 'pino'
import { action, createApp, loadSettings, type App } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { defaultExtensions } from '../src/app/extensions.ts'
import { jobStatus, submit } from './support/jobs.ts'
import { startRedisProxy, type RedisProxy } from './support/proxy.ts'
import { deleteKeys, redisAvailable, REDIS_URL, uniquePrefix } from './support/redis.ts'

// A job submitted over HTTP to an app that runs no jobs, run by a second app
// with the worker role over a real Redis: its span continues the caller's trace.
const up = await redisAvailable('tracing and queue depth over Redis')
const exporter = new InMemorySpanExporter()
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
provider.register()

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const PARENT = 'b7ad6b7169203331'
const work = action({}, (_in, ctx) => ({ traceId: ctx.traceId ?? null }))
const actions = [{ action: work, exportName: 'work' }]

describe.runIf(up)('trace context and queue depth across Redis', () => {
  const prefix = uniquePrefix('tracing')
  let proxy: RedisProxy
  let web: TestServer
  let worker: App | undefined

  beforeAll(async () => {
    proxy = await startRedisProxy()
    // The web app reaches Redis through a proxy, so the test can make Redis hang for it alone.
    web = await createTestServer({ actions }, { redis_url: proxy.url, redis_prefix: prefix, workers: 0 })
  })
  afterAll(async () => {
    await web?.close()
    await worker?.close()
    await proxy?.close()
    await provider.shutdown()
    await deleteKeys(prefix)
  })

  const depth = async () => /serval_job_queue_depth\{action="\*"\} (\d+)/.exec(await (await web.fetch('/metrics')).text())?.[1]

  it('reads the queue depth from BullMQ while no worker runs', async () => {
    const id = await submit(web, 'work', {}, { traceparent: `00-${TRACE}-${PARENT}-01` })
    expect(await depth()).toBe('1')
    // The worker role: what `serval worker` starts (the serve hooks), in this process.
    const { settings } = await loadSettings({ cli: { redis_url: REDIS_URL, redis_prefix: prefix, workers: 1, log_level: 'silent', data_dir: web.app.settings.data_dir }, filesOff: true, env: {} })
    worker = await createApp({ actions, settings, logger: pino({ level: 'silent' }), extensions: await defaultExtensions(settings) })
    for (const ext of worker.extensions) await ext.serve?.(worker)
    const done = await jobStatus(web, id, 'succeeded')
    expect(done).toBeDefined()
    const result = await (await web.fetch(`/jobs/${id}/result`)).json()
    expect(result).toEqual({ traceId: TRACE })
    const span = exporter.getFinishedSpans().find((s) => s.name === 'work')!
    expect(span.spanContext().traceId).toBe(TRACE)
    expect(span.parentSpanContext?.spanId).toBe(PARENT)
    expect(span.attributes['serval.transport']).toBe('job')
    expect(await depth()).toBe('0')
  })

  // Bounded by QUEUE_DEPTH_TIMEOUT_MS (1 s): without the bound the scrape would hang past the test's timeout.
  it('a Redis that hangs leaves the depth out instead of hanging the scrape', async () => {
    proxy.mode('blackhole')
    const res = await web.fetch('/metrics')
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('serval_requests_total')
    expect(text).not.toMatch(/serval_job_queue_depth\{/)
    proxy.mode('open')
  })
})
