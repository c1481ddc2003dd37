import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Type } from '@sinclair/typebox'
import { action, ActionError } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { gate } from './support/jobs.ts'

const closed = { finally: gate<string>() }
// Holds the `pause` generator between its two items.
let resume = gate()
// How often the `probe` generator began running: HEAD must never start it.
const probe = { runs: 0 }

const actions = [
  action({ name: 'count', http: ['GET', 'POST'], input: Type.Object({ to: Type.Integer({ minimum: 1, maximum: 1000 }) }), output: Type.Object({ n: Type.Integer() }) }, async function* ({ to }) {
    for (let n = 1; n <= to; n++) yield { n, hidden: 'not in the item schema' } as { n: number }
  }),
  action({ name: 'failMidway' }, async function* () {
    yield { ok: true }
    throw new ActionError(409, 'Ran out of items', { after: 1 })
  }),
  action({ name: 'failFirst' }, async function* () {
    throw new ActionError(404, 'Nothing to stream')
    yield 1 // never reached; makes this an async generator
  }),
  // Never looks at ctx.signal: the server ends it by returning the generator.
  action({ name: 'forever', http: 'GET' }, async function* () {
    try {
      for (let n = 0; ; n++) {
        yield { n }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    } finally {
      closed.finally.open('finally ran')
    }
  }),
  action({ name: 'quiet', http: 'GET' }, async function* (_input, ctx) {
    yield 'first'
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))
  }),
  action({ name: 'pause', http: 'GET' }, async function* () {
    yield 1
    await resume.promise
    yield 2
  }),
  action({ name: 'probe', http: 'GET' }, async function* () {
    probe.runs++
    yield 'ran'
  }),
].map((a) => ({ action: a, exportName: a.def.name! }))

let t: TestServer

beforeAll(async () => {
  t = await createTestServer({ actions }, { sse_heartbeat_s: 1 })
})
afterAll(() => t.close())

/** SSE events of a complete body: { event, data } with data parsed. */
function events(body: string): { event: string; data: unknown }[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split('\n')
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message'
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')
      return { event, data: JSON.parse(data) }
    })
}

describe('SSE', () => {
  it('sends one data event per item (through the item schema), then event: end', async () => {
    const res = await t.fetch('/actions/count?to=3')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('cache-control')).toContain('no-cache')
    expect(res.headers.get('x-request-id')).toBeTruthy()
    expect(res.headers.get('x-functions-version')).toBeTruthy()
    const body = await res.text()
    expect(body).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: {"n":3}\n\nevent: end\ndata: {"count":3}\n\n')
    expect(events(body).map((e) => e.event)).toEqual(['message', 'message', 'message', 'end'])
  })

  it('streams from POST too, with the JSON body as input', async () => {
    const res = await t.fetch('/actions/count', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":2}' })
    expect(events(await res.text()).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { count: 2 }])
  })

  it('sends a mid-stream error as event: error with a problem, then event: end', async () => {
    const res = await t.fetch('/actions/fail-midway', { method: 'POST' })
    expect(res.status).toBe(200)
    const all = events(await res.text())
    expect(all.map((e) => e.event)).toEqual(['message', 'error', 'end'])
    expect(all[1]!.data).toMatchObject({ type: 'urn:serval:problem:action-error', status: 409, title: 'Ran out of items', details: { after: 1 }, instance: '/actions/fail-midway' })
  })

  it('answers an error before the first item as a plain problem with its status', async () => {
    const res = await t.fetch('/actions/fail-first', { method: 'POST' })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(await res.json()).toMatchObject({ title: 'Nothing to stream' })
  })

  it('answers bad input with a 422 problem before any stream', async () => {
    const res = await t.fetch('/actions/count?to=0')
    expect(res.status).toBe(422)
    expect((await res.json()).errors[0].path).toBe('/to')
  })

  it('sends heartbeat comments while the generator is idle', async () => {
    const controller = new AbortController()
    const res = await t.fetch('/actions/quiet', { signal: controller.signal })
    const reader = res.body!.getReader()
    let text = ''
    const decoder = new TextDecoder()
    while (!text.includes(': heartbeat\n\n')) {
      const { value, done } = await reader.read()
      if (done) break
      text += decoder.decode(value)
    }
    controller.abort()
    expect(text.startsWith('data: "first"\n\n')).toBe(true)
    expect(text).toContain(': heartbeat\n\n')
  })

  it('times heartbeats every sse_heartbeat_s (1 s here)', async () => {
    // A fake clock cannot run an interval far shorter than a millisecond (it loops forever), so the timer's period is
    // read from its call: the stream's only setInterval, made once the first item is ready.
    const timers = vi.spyOn(globalThis, 'setInterval')
    try {
      resume = gate()
      const res = await t.fetch('/actions/pause')
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      while (!text.includes('data: 1\n\n')) text += decoder.decode((await reader.read()).value)
      expect(timers.mock.calls.map(([, ms]) => ms)).toEqual([1000])
    } finally {
      timers.mockRestore()
      resume.open()
    }
  })

  it("stops the generator when the client goes away: its finally runs", async () => {
    closed.finally = gate()
    const controller = new AbortController()
    const res = await t.fetch('/actions/forever', { signal: controller.signal })
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toContain('data: {"n":0}')
    controller.abort()
    expect(await closed.finally.promise).toBe('finally ran')
  })
})

describe('NDJSON', () => {
  it('sends one JSON item per line when Accept asks for application/x-ndjson', async () => {
    const res = await t.fetch('/actions/count?to=3', { headers: { accept: 'application/x-ndjson' } })
    expect(res.headers.get('content-type')).toBe('application/x-ndjson')
    expect(await res.text()).toBe('{"n":1}\n{"n":2}\n{"n":3}\n')
  })

  it('ends with an {"error": problem} line when the stream fails', async () => {
    const res = await t.fetch('/actions/fail-midway', { method: 'POST', headers: { accept: 'application/x-ndjson' } })
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[1].error).toMatchObject({ status: 409, title: 'Ran out of items' })
  })

  it('prefers SSE when the client weighs it higher', async () => {
    const res = await t.fetch('/actions/count?to=1', { headers: { accept: 'application/x-ndjson;q=0.5, text/event-stream' } })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    await res.text()
  })
})

describe('OpenAPI', () => {
  it('describes a streaming action as SSE and NDJSON with its item schema', async () => {
    const doc = (await (await t.fetch('/openapi.json')).json()) as any
    const content = doc.paths['/actions/count'].get.responses['200'].content
    expect(Object.keys(content).sort()).toEqual(['application/x-ndjson', 'text/event-stream'])
    expect(content['text/event-stream']['x-item-schema']).toEqual({ $ref: '#/components/schemas/CountOutput' })
    expect(content['text/event-stream'].schema.description).toContain('event: end')
  })
})

describe('HEAD', () => {
  it('answers the stream headers without running the generator', async () => {
    const res = await t.fetch('/actions/count?to=3', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(await res.text()).toBe('')
  })

  it('never starts the generator (GET does)', async () => {
    probe.runs = 0
    for (let i = 0; i < 3; i++) expect((await t.fetch('/actions/probe', { method: 'HEAD' })).status).toBe(200)
    expect(probe.runs).toBe(0)
    expect(await (await t.fetch('/actions/probe')).text()).toContain('data: "ran"')
    expect(probe.runs).toBe(1)
  })

  it('gives the NDJSON content type when Accept asks for it', async () => {
    const res = await t.fetch('/actions/count?to=3', { method: 'HEAD', headers: { accept: 'application/x-ndjson' } })
    expect(res.headers.get('content-type')).toBe('application/x-ndjson')
  })

  it('still validates the query: bad input is a 422 without a body', async () => {
    const res = await t.fetch('/actions/count?to=0', { method: 'HEAD' })
    expect(res.status).toBe(422)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  })
})
