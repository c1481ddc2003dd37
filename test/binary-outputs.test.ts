import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { action, createApp, file, type App } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { handlerFor } from '../src/lambda/handler.ts'
import { call, jobStatus, submit } from './support/jobs.ts'
import { openWs, wsUrl } from './support/ws.ts'

// One test per binary output kind and transport: HTTP streams the bytes, a stored
// result and a Lambda answer hold them whole, /ws and jobs (JSON only) refuse them.
// Other bytes for each kind: assets are content-addressed, so equal bytes would share one asset and its content type.
const bytesOf = { aFile: new Uint8Array([1, 2]), bytes: new Uint8Array([3, 4]), blob: new Uint8Array([5, 6]), aStream: new Uint8Array([7, 8]) }
const OCTETS = 'application/octet-stream'
const outputs = {
  aFile: { make: () => file(bytesOf.aFile, 'image/png'), type: 'image/png' },
  bytes: { make: () => bytesOf.bytes, type: OCTETS },
  blob: { make: () => new Blob([bytesOf.blob], { type: 'image/gif' }), type: 'image/gif' },
  aStream: { make: () => new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(bytesOf.aStream), c.close()) }), type: OCTETS },
}
type Kind = keyof typeof outputs
const kinds = Object.entries(outputs).map(([name, o]) => [name as Kind, o.type] as const)
const actions = Object.entries(outputs).map(([name, o]) => ({ action: action({ name, access: 'public' }, o.make as () => unknown), exportName: name }))
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
const post = (path: string) => t.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })

let t: TestServer
let app: App | undefined
const lambda = handlerFor(async () => (app = await createApp({ actions, logger: pino({ level: 'silent' }) })))
beforeAll(async () => {
  t = await createTestServer({ actions })
})
afterAll(async () => {
  await t.close()
  await app?.close()
})

describe('binary outputs', () => {
  it.each(kinds)('%s: HTTP sends the bytes', async (name) => {
    const res = await post(`/actions/${kebab(name)}`)
    expect(res.status).toBe(200)
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytesOf[name])
  })

  it.each(kinds)('%s: a stored call keeps the bytes as an asset, with their content type (%s)', async (name, type) => {
    const res = await post(`/actions/${kebab(name)}?store=true`)
    expect(res.headers.get('location')).toMatch(/\/assets\/zQm\w+$/)
    const stored = await fetch(res.headers.get('location')!)
    expect(stored.headers.get('content-type')).toBe(type)
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytesOf[name])
  })

  it.each(kinds)('%s: a direct Lambda call answers base64 with the content type (%s)', async (name, type) => {
    expect(await lambda({ action: name })).toEqual({ output: Buffer.from(bytesOf[name]).toString('base64'), isBase64Encoded: true, contentType: type })
  })

  it.each(kinds)('%s: /ws answers 406 not-acceptable', async (name) => {
    const ws = await openWs(wsUrl(t.url, '/ws'))
    ws.send({ id: 1, action: name, input: {} })
    expect(await ws.next()).toMatchObject({ id: 1, error: { status: 406, type: 'urn:serval:problem:not-acceptable' } })
    await ws.close()
  })

  it.each(kinds)('%s: a job of it fails with job-failed', async (name) => {
    const id = await submit(t, kebab(name), {})
    const job = await jobStatus(t, id, 'failed')
    expect(job.error).toMatchObject({ type: 'urn:serval:problem:job-failed' })
    expect((await call(t, 'GET', `/jobs/${id}/result`)).status).toBe(500)
  })
})
