import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { action, createApp, disabledResource, openResources, resource, resourcesExtension } from '../index.ts'
import { defaultExtensions } from '../app/extensions.ts'
import { loadSettings } from '../config/load.ts'
import { listen, type RunningServer } from '../http/listen.ts'

// A resource whose open waits for the test: readiness and early calls are checked while it opens.
let release!: (value: { greeting: string }) => void
const gate = new Promise<{ greeting: string }>((resolve) => (release = resolve))
const events: string[] = []

const first = resource('first', {
  open: async () => {
    events.push('open first')
    return gate
  },
  close: (value) => void events.push(`close first ${value.greeting}`),
})
const second = resource('second', {
  open: () => {
    events.push('open second')
    return { n: 2 }
  },
  close: () => void events.push('close second'),
})
const off = resource('off', { open: () => disabledResource('OFF_URL is not set') })

const greet = action({ http: 'GET' }, (_in, ctx) => (ctx.resources as unknown as { first: { greeting: string } }).first.greeting)
const plain = action({ http: 'GET' }, () => 'no resource needed')
const useOff = action({ http: 'GET' }, (_in, ctx) => (ctx.resources as unknown as { off: unknown }).off)

let running: RunningServer
const dataDir = mkdtempSync(join(tmpdir(), 'serval-resources-'))
const url = (path: string) => `${running.url}${path}`

beforeAll(async () => {
  const { settings } = await loadSettings({ cli: { log_level: 'silent', port: 0, host: '127.0.0.1', data_dir: dataDir }, filesOff: true, env: {} })
  const actions = [greet, plain, useOff].map((a, i) => ({ action: a, exportName: ['greet', 'plain', 'useOff'][i]! }))
  const app = await createApp({ actions, settings, logger: pino({ level: 'silent' }), extensions: [resourcesExtension([first, second, off]), ...(await defaultExtensions(settings))] })
  running = await listen(app)
})
afterAll(async () => {
  await running?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('resources', () => {
  it('listens while opening: ready is 503, a call that reads the resource is a 503 with Retry-After, others serve', async () => {
    const ready = await fetch(url('/_sys/ready'))
    expect(ready.status).toBe(503)
    const early = await fetch(url('/actions/greet'))
    expect(early.status).toBe(503)
    expect(early.headers.get('retry-after')).toBe('1')
    expect(await early.json()).toMatchObject({ type: 'urn:serval:problem:resource-unavailable', detail: 'The resource "first" is not open yet; retry shortly' })
    expect((await fetch(url('/actions/plain'))).status).toBe(200)
    expect(events).toEqual(['open first']) // in order: second waits for first
  })

  it('is ready once every resource is open, and handlers read the values', async () => {
    release({ greeting: 'hello' })
    await openResources(running.app)
    expect(events).toEqual(['open first', 'open second'])
    expect((await fetch(url('/_sys/ready'))).status).toBe(200)
    expect(await (await fetch(url('/actions/greet'))).json()).toBe('hello')
  })

  it('a disabled resource keeps the server ready and answers a 503 saying why', async () => {
    const res = await fetch(url('/actions/use-off'))
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBeNull()
    expect(await res.json()).toMatchObject({ type: 'urn:serval:problem:resource-unavailable', detail: 'The resource "off" is disabled: OFF_URL is not set' })
  })

  it('shows each state in /_sys/info to operators', () => {
    const info = running.app.extensions.find((e) => e.name === 'resources')!.info!(running.app)
    expect(info.resources).toEqual([
      { name: 'first', state: 'open' },
      { name: 'second', state: 'open' },
      { name: 'off', state: 'disabled', reason: 'OFF_URL is not set' },
    ])
  })

  it('closes in reverse order on shutdown', async () => {
    await running.close()
    expect(events.slice(2)).toEqual(['close second', 'close first hello'])
  })
})

describe('resource() and its set refuse bad definitions', () => {
  it('names must be identifiers, open a function', () => {
    expect(() => resource('my-db', { open: () => 1 })).toThrow('resource("my-db"): the name must be an identifier')
    expect(() => resource('db', {} as never)).toThrow('resource("db"): open must be a function')
    expect(() => resource('db', { open: () => 1, close: 'no' as never })).toThrow('resource("db"): close must be a function')
  })

  it('a resource named like a createApp value is an error at startup', async () => {
    const db = resource('db', { open: () => 1 })
    await expect(createApp({ actions: [], resources: { db: 2 } as never, logger: pino({ level: 'silent' }), extensions: [resourcesExtension([db])] })).rejects.toThrow('The resource "db" is also given to createApp as a value')
  })

  it('a failing open rejects naming the resource, and a slow one times out', async () => {
    const broken = resource('broken', { open: () => Promise.reject(new Error('connection refused')) })
    const app = await createApp({ actions: [], logger: pino({ level: 'silent' }), extensions: [resourcesExtension([broken])] })
    await expect(openResources(app)).rejects.toThrow('Resource "broken" failed to open: connection refused')
    const slow = resource('slow', { open: () => new Promise(() => undefined) })
    const app2 = await createApp({ actions: [], settings: { resource_open_timeout_s: 1 }, logger: pino({ level: 'silent' }), extensions: [resourcesExtension([slow])] })
    await expect(openResources(app2)).rejects.toThrow('Resource "slow" failed to open: did not open within resource_open_timeout_s (1 s)')
    await Promise.all([app.close(), app2.close()])
  })
})
