import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action, file } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { call, jobStatus, submit } from './support/jobs.ts'
import { openWs, wsUrl } from './support/ws.ts'

// Bytes go over HTTP only: the transports that carry JSON alone (/ws, jobs) refuse every binary output alike.
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47])
const outputs = {
  aFile: () => file(png, 'image/png'),
  bytes: () => png,
  blob: () => new Blob([png]),
  aStream: () => new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(png), c.close()) }),
}
const actions = Object.entries(outputs).map(([name, handler]) => ({ action: action({ name, access: 'public' }, handler as () => unknown), exportName: name }))
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

let t: TestServer
beforeAll(async () => {
  t = await createTestServer({ actions })
})
afterAll(() => t.close())

describe('binary outputs', () => {
  it.each(Object.keys(outputs))('%s: HTTP sends the bytes', async (name) => {
    const res = await t.fetch(`/actions/${kebab(name)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(200)
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png)
  })

  it.each(Object.keys(outputs))('%s: /ws answers 406 not-acceptable', async (name) => {
    const ws = await openWs(wsUrl(t.url, '/ws'))
    ws.send({ id: 1, action: name, input: {} })
    expect(await ws.next()).toMatchObject({ id: 1, error: { status: 406, type: 'urn:serval:problem:not-acceptable' } })
    await ws.close()
  })

  it.each(Object.keys(outputs))('%s: a job of it fails with job-failed', async (name) => {
    const id = await submit(t, kebab(name), {})
    const job = await jobStatus(t, id, 'failed')
    expect(job.error).toMatchObject({ type: 'urn:serval:problem:job-failed' })
    expect((await call(t, 'GET', `/jobs/${id}/result`)).status).toBe(500)
  })
})
