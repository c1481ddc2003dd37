import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action, buildHttpServer, createApp, file, redirect, type App, type Extension } from 'serval'
import type { FastifyInstance } from 'fastify'
import { gate } from './support/jobs.ts'

/** The HTTP adapter at its edges: every kind of output, engine errors, 405s, info, logging, the client signal. */

const seen: { signal?: AbortSignal; reason?: unknown; started: { promise: Promise<void>; open: () => void } } = { started: gate<void>() }
const actions = {
  raw: action({ http: 'GET' }, () => new Uint8Array([1, 2, 3])),
  blobTyped: action({ http: 'GET' }, () => new Blob(['<p/>'], { type: 'text/html' })),
  blobPlain: action({ http: 'GET' }, () => new Blob(['abc'])),
  webStream: action({ http: 'GET' }, () => new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('streamed')), c.close()) })),
  fileStream: action({ http: 'GET' }, () => file(new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('csv')), c.close()) }), 'text/csv')),
  evilName: action({ http: 'GET' }, () => file(new TextEncoder().encode('x'), 'text/plain', 'a"b\\c\r\nd.txt')),
  list: action({ http: 'GET' }, () => [1, 'two', { three: 3 }]),
  nulled: action({ http: 'GET' }, () => null),
  // An output schema that would drop a redirect's fields: over REST a redirect is sent as it is.
  // No output schema: JSON.stringify meets the BigInt as the answer is sent, after the pipeline.
  bigint: action({ http: 'GET' }, () => ({ n: 1n })),
  moved: action({ http: 'GET', output: { type: 'object', properties: { text: { type: 'string' } } } }, () => redirect('/elsewhere', 303) as never),
  returnsIterable: action({ http: 'GET' }, () =>
    (async function* () {
      yield 'from a plain function'
    })(),
  ),
  badOut: action({ http: 'GET', output: { type: 'object', properties: { n: { type: 'number' } } } }, () => ({ n: 'x' }) as never),
  described: action({ http: ['GET', 'POST'], description: 'Says what it does' }, () => 'ok'),
  waits: action({ http: 'GET' }, async (_input, ctx) => {
    seen.signal = ctx.signal
    seen.started.open()
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))
    seen.reason = ctx.signal.reason
  }),
  quick: action({ http: 'GET' }, (_input, ctx) => {
    seen.signal = ctx.signal
    return 'done'
  }),
}
const HERE = 'test/http-edges.test.ts'
const infoExtension: Extension = { name: 'probe', info: () => ({ probe: { on: true } }) }

async function start(settings: Record<string, unknown>, lines?: Record<string, unknown>[]) {
  const logger = lines ? pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) }) : undefined
  // A file must exist (the functions version hashes it): this one stands in for every action's.
  const sources = Object.entries(actions).map(([exportName, a]) => ({ action: a, exportName, ...(exportName === 'list' ? {} : { file: HERE }) }))
  const app = await createApp({ actions: sources, settings: { log_level: 'silent', ...settings }, extensions: [infoExtension], ...(logger ? { logger } : {}) })
  const server = await buildHttpServer(app, { docs: false })
  await server.listen({ host: '127.0.0.1', port: 0 })
  return { app, server, url: `http://127.0.0.1:${(server.server.address() as { port: number }).port}` }
}

let h: { app: App; server: FastifyInstance; url: string }
let dev: { app: App; server: FastifyInstance; url: string }
beforeAll(async () => {
  h = await start({})
  dev = await start({ dev_mode: true })
})
afterAll(async () => {
  for (const s of [h, dev]) {
    await s.server.close()
    await s.app.close()
  }
})
const get = (path: string, init?: RequestInit, base = h) => fetch(`${base.url}${path}`, init)

describe('outputs', () => {
  it('bytes are application/octet-stream', async () => {
    const res = await get('/actions/raw')
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([1, 2, 3])
  })

  it('a Blob keeps its type, or is octet-stream without one', async () => {
    const typed = await get('/actions/blob-typed')
    expect(typed.headers.get('content-type')).toBe('text/html')
    expect(await typed.text()).toBe('<p/>')
    const plain = await get('/actions/blob-plain')
    expect(plain.headers.get('content-type')).toBe('application/octet-stream')
    expect(await plain.text()).toBe('abc')
  })

  it('a ReadableStream is a byte body, in a file() or alone', async () => {
    const alone = await get('/actions/web-stream')
    expect(alone.headers.get('content-type')).toBe('application/octet-stream')
    expect(await alone.text()).toBe('streamed')
    const csv = await get('/actions/file-stream')
    expect(csv.headers.get('content-type')).toBe('text/csv')
    expect(csv.headers.get('content-disposition')).toBeNull()
    expect(await csv.text()).toBe('csv')
  })

  it('a file name cannot break out of its header', async () => {
    const res = await get('/actions/evil-name')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="a_b_c__d.txt"')
  })

  it('arrays and null are JSON, with the JSON content type', async () => {
    const list = await get('/actions/list')
    expect(list.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await list.json()).toEqual([1, 'two', { three: 3 }])
    expect(await (await get('/actions/nulled')).text()).toBe('null')
  })

  it('a redirect() is JSON data over REST ({ location, status }), not a 3xx, whatever the output schema', async () => {
    const res = await get('/actions/moved', { redirect: 'manual' })
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([200, 'application/json; charset=utf-8', { location: '/elsewhere', status: 303 }])
  })

  it('an async iterable returned by a plain function streams too', async () => {
    const res = await get('/actions/returns-iterable')
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(await res.text()).toBe('data: "from a plain function"\n\nevent: end\ndata: {"count":1}\n\n')
  })
})

describe('problems', () => {
  it('an output that breaks its schema: the issues stay in the log outside dev mode, and are shown in dev mode', async () => {
    const prod = await (await get('/actions/bad-out')).json()
    expect(prod).toMatchObject({ type: 'urn:serval:problem:invalid-output', status: 500 })
    expect(prod.outputIssues).toBeUndefined()
    const inDev = await (await get('/actions/bad-out', {}, dev)).json()
    expect(inDev.outputIssues).toEqual([expect.objectContaining({ path: '/n' })])
  })

  it('an output JSON cannot hold (a BigInt) is a 500 problem, and the server keeps serving', async () => {
    const res = await get('/actions/bigint')
    expect([res.status, res.headers.get('content-type')]).toEqual([500, 'application/problem+json; charset=utf-8'])
    expect((await get('/actions/list')).status).toBe(200)
  })

  it('405 names the allowed methods (HEAD with GET), also with a trailing slash or a query', async () => {
    for (const path of ['/actions/described', '/actions/described/', '/actions/described?x=1']) {
      const res = await h.server.inject({ method: 'DELETE', url: path })
      expect(res.statusCode, path).toBe(405)
      expect(res.headers.allow).toBe('GET, POST, HEAD')
      expect(res.json()).toMatchObject({ type: 'urn:serval:problem:method-not-allowed', detail: 'DELETE is not allowed here; use GET, POST, HEAD' })
    }
    const postOnly = await h.server.inject({ method: 'GET', url: '/actions/quick-nope' })
    expect(postOnly.statusCode).toBe(404)
    expect(postOnly.json().detail).toBe('Nothing at GET /actions/quick-nope')
  })

  it('a bad Content-Length is a 400 problem, not a crash', async () => {
    const res = await h.server.inject({ method: 'POST', url: '/actions/described', headers: { 'content-type': 'application/json', 'content-length': '5' }, payload: '{}' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ type: 'urn:serval:problem:bad-request', status: 400 })
  })

  it('a URL over max_url_length is a 414 naming the limit', async () => {
    const res = await h.server.inject({ method: 'GET', url: `/actions/quick?q=${'a'.repeat(9000)}` })
    expect(res.statusCode).toBe(414)
    expect(res.json()).toMatchObject({ type: 'urn:serval:problem:uri-too-long', detail: 'The URL is over 8192 characters' })
  })
})

describe('/_sys/info', () => {
  it('lists each action with its path, methods, streaming flag and description; files, dev mode and extension info only in dev mode', async () => {
    const info = await (await get('/_sys/info')).json()
    expect(info.actions).toContainEqual({ name: 'described', path: '/actions/described', methods: ['GET', 'POST'], streaming: false, description: 'Says what it does' })
    expect(info.actions).toContainEqual({ name: 'list', path: '/actions/list', methods: ['GET'], streaming: false })
    expect(info.probe).toBeUndefined()
    expect(info.devMode).toBeUndefined()
    const internal = await (await get('/_sys/info', {}, dev)).json()
    expect(internal.devMode).toBe(true)
    expect(internal.probe).toEqual({ on: true })
    expect(internal.actions).toContainEqual({ name: 'described', path: '/actions/described', methods: ['GET', 'POST'], streaming: false, description: 'Says what it does', file: HERE })
    expect(info.uptimeS).toBeGreaterThanOrEqual(0)
    expect(Number.isInteger(info.uptimeS * 10)).toBe(true)
  })
})

describe('the client signal', () => {
  it('aborts ctx.signal when the client goes away, with an unavailable reason', async () => {
    seen.started = gate<void>()
    const controller = new AbortController()
    const pending = get('/actions/waits', { signal: controller.signal }).catch(() => 'aborted')
    await seen.started.promise
    controller.abort()
    expect(await pending).toBe('aborted')
    for (let i = 0; i < 100 && seen.reason === undefined; i++) await new Promise((r) => setTimeout(r, 20))
    expect(seen.reason).toMatchObject({ code: 'unavailable', detail: 'The client closed the connection' })
  })

  it('does not abort once the response is complete', async () => {
    const res = await get('/actions/quick')
    expect(await res.json()).toBe('done')
    // A finished response emits 'close' too: that must not count as the client leaving.
    // Another full round trip makes sure the first response's 'close' has fired.
    await (await get('/actions/list')).text()
    expect(seen.signal?.aborted).toBe(false)
  })
})

describe('request logging', () => {
  it('logs each request at debug level with method, url, status and request id', async () => {
    const lines: Record<string, unknown>[] = []
    const s = await start({ log_level: 'debug' }, lines)
    try {
      const res = await fetch(`${s.url}/actions/quick`)
      await res.text()
      for (let i = 0; i < 50 && !lines.some((l) => l.msg === 'request'); i++) await new Promise((r) => setTimeout(r, 10))
      expect(lines.find((l) => l.msg === 'request')).toMatchObject({ level: 20, method: 'GET', url: '/actions/quick', status: 200, reqId: res.headers.get('x-request-id') })
    } finally {
      await s.server.close()
      await s.app.close()
    }
  })

  it('does not log requests at info level', async () => {
    const lines: Record<string, unknown>[] = []
    const s = await start({ log_level: 'info' }, lines)
    try {
      await (await fetch(`${s.url}/actions/quick`)).text()
      expect(lines.filter((l) => l.msg === 'request')).toEqual([])
    } finally {
      await s.server.close()
      await s.app.close()
    }
  })
})
