import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isAction } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { createClient, ServalClientError, type Client } from 'serval/client'
import * as api from '../../test/fixtures/client-api.ts'
import { hs256, SECRET } from '../../test/security/support.ts'

const actions = Object.entries(api).flatMap(([exportName, a]) => (isAction(a) ? [{ exportName, action: a }] : []))
let server: TestServer
let client: Client<typeof api>
const seen: { method: string; url: string }[] = []

beforeAll(async () => {
  server = await createTestServer({ actions })
  // Records what the client sends, through the `fetch` option.
  const recording: typeof fetch = (input, init) => {
    seen.push({ method: init?.method ?? 'GET', url: String(input) })
    return fetch(input, init)
  }
  client = createClient<typeof api>(server.url, { fetch: recording })
})
afterAll(() => server.close())

async function rejection(promise: Promise<unknown>): Promise<ServalClientError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ServalClientError)
  return error as ServalClientError
}

describe('values', () => {
  it('a POST action answers its output', async () => {
    expect(await client.sayHello({ name: 'Ada' })).toBe('Hello Ada!')
    expect(await client.double({ n: 21 })).toEqual({ doubled: 42 })
  })

  it('a GET action gets its input in the query string, nested objects and lists included', async () => {
    const input = { q: 'cat & dog', limit: 3, tags: ['a'], page: { size: 5, exact: false } }
    expect(await client.search(input)).toEqual(input)
    expect(await client.search({ q: 'x', tags: ['a', 'b'] })).toEqual({ q: 'x', limit: 10, tags: ['a', 'b'] })
    // Learned once: the first call was refused with 405, later calls go straight to GET.
    const calls = seen.filter((s) => s.url.includes('/actions/search'))
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET', 'GET'])
    expect(calls[2]?.url).toContain('?q=x&tags%5B%5D=a&tags%5B%5D=b')
  })

  it('a void output (204) resolves undefined', async () => {
    expect(await client.forget({ id: 'x' })).toBeUndefined()
  })
})

describe('problems', () => {
  it('a 422 rejects with every failing path', async () => {
    // @ts-expect-error a number is no name: the type checker says so too
    const error = await rejection(client.sayHello({ name: 42 }))
    expect(error.status).toBe(422)
    expect(error.type).toBe('urn:serval:problem:invalid-input')
    expect(error.errors?.map((e) => e.path)).toEqual(['/name'])
    expect(error.problem.title).toBeTruthy()
  })

  it('an unknown action is a 404 problem', async () => {
    const loose = createClient<{ noSuchThing: typeof api.sayHello }>(server.url)
    const error = await rejection(loose.noSuchThing({ name: 'x' }))
    expect(error.status).toBe(404)
  })

  it('a body that is no problem still rejects with the status', async () => {
    const fake: typeof fetch = async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } })
    const error = await rejection(createClient<typeof api>(server.url, { fetch: fake }).sayHello({ name: 'x' }))
    expect(error.problem).toMatchObject({ status: 502, title: 'Bad Gateway' })
  })
})

describe('auth', () => {
  let secured: TestServer
  beforeAll(async () => {
    secured = await createTestServer({ actions }, { auth_mode: 'jwt', jwt_secret: SECRET })
  })
  afterAll(() => secured.close())

  it('without a token a 401; with the token option the call goes through', async () => {
    expect((await rejection(createClient<typeof api>(secured.url).privateThing())).status).toBe(401)
    const token = await hs256({ sub: 'ada', scope: 'admin' })
    expect(await createClient<typeof api>(secured.url, { token }).privateThing()).toEqual({ ok: true })
    // A function token is asked per request.
    expect(await createClient<typeof api>(secured.url, { token: async () => token }).privateThing()).toEqual({ ok: true })
  })

  it('default headers and per-call headers are sent', async () => {
    const heard: Headers[] = []
    const spy: typeof fetch = (input, init) => (heard.push(new Headers(init?.headers)), fetch(input, init))
    const c = createClient<typeof api>(server.url, { fetch: spy, headers: { 'x-group-id': 'g1' } })
    await c.sayHello({ name: 'x' }, { headers: { 'x-request-id': 'req-1' } })
    expect(heard[0]?.get('x-group-id')).toBe('g1')
    expect(heard[0]?.get('x-request-id')).toBe('req-1')
  })
})

describe('streams', () => {
  it('yields every item, then ends', async () => {
    const items: unknown[] = []
    for await (const item of client.countdown({ from: 3 })) items.push(item)
    expect(items).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }, { n: 0 }])
  })

  it('an error event rejects after the items before it', async () => {
    const items: number[] = []
    const error = await (async () => {
      for await (const item of client.failLate()) items.push(item)
    })().then(() => undefined, (e: unknown) => e)
    expect(items).toEqual([1])
    expect(error).toBeInstanceOf(ServalClientError)
    expect((error as ServalClientError).status).toBe(500)
  })

  it('a problem before the first item rejects on the first step', async () => {
    const it = client.countdown({ from: -1 })[Symbol.asyncIterator]()
    expect((await rejection(it.next())).status).toBe(422)
  })
})

describe('abort', () => {
  it('an AbortSignal aborts a long call, and the handler sees ctx.signal fire', async () => {
    const controller = new AbortController()
    const call = client.waitForAbort({ tag: 'call' }, { signal: controller.signal })
    await eventually(() => api.started.includes('call'))
    controller.abort()
    await expect(call).rejects.toMatchObject({ name: 'AbortError' })
    await eventually(() => api.aborted.includes('call'))
  })

  it('aborting a stream ends the iteration and the generator', async () => {
    const controller = new AbortController()
    const items: number[] = []
    const error = await (async () => {
      for await (const n of client.forever({ tag: 'aborted' }, { signal: controller.signal })) {
        items.push(n)
        if (n === 2) controller.abort()
      }
    })().then(() => undefined, (e: unknown) => e)
    expect(items.slice(0, 3)).toEqual([0, 1, 2])
    expect(error).toMatchObject({ name: 'AbortError' })
    await eventually(() => api.closedStreams.includes('aborted'))
  })

  it('breaking out of a stream closes it', async () => {
    for await (const n of client.forever({ tag: 'broken' })) if (n === 1) break
    await eventually(() => api.closedStreams.includes('broken'))
  })
})

describe('jobs', () => {
  it('submits, polls and returns the result', async () => {
    const job = await client.jobs.double({ n: 4 })
    expect(job.id).toMatch(/\S/)
    expect(await job.result({ intervalMs: 10 })).toEqual({ doubled: 8 })
    expect((await job.status()).status).toBe('succeeded')
  })

  it('cancel stops a running job; its result rejects with the cancel problem', async () => {
    const job = await client.jobs.slowJob({ ms: 60_000 })
    await eventually(async () => (await job.status()).status === 'running')
    const view = await job.cancel()
    expect(['cancelled', 'running']).toContain(view.status)
    await eventually(async () => (await job.status()).status === 'cancelled')
    const error = await rejection(job.result({ intervalMs: 10 }))
    expect(error.type).toBe('urn:serval:problem:job-cancelled')
  })

  it('a failed job rejects with its problem; a bad input rejects at submit', async () => {
    const job = await client.jobs.failingJob()
    expect((await rejection(job.result({ intervalMs: 10 }))).status).toBe(500)
    // @ts-expect-error n must be a number
    expect((await rejection(client.jobs.double({ n: 'four' }))).status).toBe(422)
  })

  it('a job of an unknown action is a 404; a base URL may end in a slash', async () => {
    const loose = createClient<{ noSuchThing: typeof api.double }>(`${server.url}/`)
    expect((await rejection(loose.jobs.noSuchThing({ n: 1 }))).status).toBe(404)
    expect(await createClient<typeof api>(`${server.url}/`).double({ n: 2 })).toEqual({ doubled: 4 })
  })
})

/** Polls `check` until it holds (bounded). */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
