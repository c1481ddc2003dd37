import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnServer, stop } from './support/serval-process.ts'

// The SDK is process-wide and loaded only when OTEL_* ask for it: a real
// `serval serve` exports its spans over OTLP/HTTP (JSON) to this collector.
interface Exported { path: string; type: string | undefined; body: any }
const received: Exported[] = []
let collector: Server
let child: ChildProcess | undefined
let url = ''

beforeAll(async () => {
  collector = createServer((req, res) => {
    let text = ''
    req.on('data', (d: Buffer) => (text += d)).on('end', () => {
      received.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(text) })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`
  ;({ child, url } = await spawnServer(['examples/hello.ts'], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_SERVICE_NAME: 'otlp-test' }))
}, 40_000)
afterAll(async () => {
  await stop(child)
  await new Promise((resolve) => collector.close(resolve))
})

describe('OTLP export', () => {
  it('sends each invocation span, continuing the caller, to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces', async () => {
    const trace = '5b8efff798038103d269b633813fc60c'
    const res = await fetch(`${url}/actions/say-hello?name=Ada`, { headers: { traceparent: `00-${trace}-eee19b7ec3c1b174-01` } })
    expect(await res.json()).toBe('Hello Ada!')
    await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThan(0)
    const [first] = received
    expect(first!.path).toBe('/v1/traces')
    expect(first!.type).toBe('application/json')
    const resource = first!.body.resourceSpans[0]
    expect(resource.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'otlp-test' } })
    const span = resource.scopeSpans[0].spans[0]
    expect(span).toMatchObject({ name: 'sayHello', traceId: trace, parentSpanId: 'eee19b7ec3c1b174' })
  })
})
