import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { loadSettings } from '../../src/config/load.ts'
import { startDevServer, type DevServer } from '../../src/dev/index.ts'
import { capturedLogger, gate, SERVAL, scratch, ZOD } from './support.ts'

// serval dev's reload, in one process: the new app is built beside the old
// and swapped; in-flight requests, streams and sockets finish on the old one.
const dir = scratch('reload')
const log = capturedLogger()
let dev: DevServer

const version = (answer: string) => `
import { action } from '${SERVAL}'
import { z } from '${ZOD}'
const g = globalThis as Record<string, any>
export const which = action({ input: z.object({}), output: z.string(), http: 'GET' }, async () => '${answer}')
export const slow = action({ input: z.object({}), output: z.string(), http: 'GET' }, async () => {
  g.slowGateEntered?.()
  await g.slowGate
  return '${answer}'
})
export const ticks = action({ input: z.object({}), output: z.string(), http: 'GET', stream: true }, async function* () {
  yield '${answer}-1'
  g.streamGateEntered?.()
  await g.streamGate
  yield '${answer}-2'
})
`

beforeAll(async () => {
  dir.write('fns.ts', version('one'))
  const { settings } = await loadSettings({ cli: { port: 0, dev_mode: true, data_dir: dir.path('data'), shutdown_grace_s: 5 }, filesOff: true, env: {} })
  dev = await startDevServer({ settings, dirs: [dir.root], logger: log.logger, watch: false })
})

afterAll(async () => {
  await dev?.close()
  dir.cleanup()
})

const get = (path: string) => fetch(`${dev.running.url}${path}`)
const text = async (path: string) => (await get(path)).json()

async function reloadTo(answer: string) {
  dir.write('fns.ts', version(answer))
  const [result] = await dev.reloader.reload([dir.path('fns.ts')])
  if (!result?.ok) throw result?.error
  return result
}

describe('serval dev reload', () => {
  it('answers a slow request in flight with the old code and new requests with the new', async () => {
    const slow = gate('slowGate')
    const pending = get('/actions/slow')
    await slow.entered
    const previous = dev.running.app
    const result = await reloadTo('two')
    expect(await text('/actions/which')).toBe('two')
    expect(previous.draining).toBe(false) // still serving its request: not retired yet
    slow.open()
    const old = await pending
    expect(old.status).toBe(200)
    expect(await old.json()).toBe('one')
    await result.retired // the old generation drains, then stops
    expect(previous.draining).toBe(true)
    expect(await text('/actions/slow')).toBe('two')
  })

  it('keeps the old version serving when a file fails to load, and logs the file', async () => {
    dir.write('broken.ts', 'export const = ;')
    const [result] = await dev.reloader.reload([dir.path('broken.ts')])
    expect(result?.ok).toBe(false)
    const line = log.lines.find((l) => l.level === 50 && String(l.msg).includes('reload failed'))
    expect(String(line?.msg)).toContain('broken.ts')
    expect(await text('/actions/which')).toBe('two')
    dir.write('broken.ts', 'export {}')
  })

  it('finishes an SSE stream on the old generation across a swap', async () => {
    const stream = gate('streamGate')
    const response = await get('/actions/ticks')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    await stream.entered
    await reloadTo('three')
    expect(await text('/actions/which')).toBe('three')
    stream.open()
    let body = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      body += value
    }
    expect(body).toContain('"two-1"')
    expect(body).toContain('"two-2"')
    expect(body).not.toContain('three')
  })

  it('closes a WebSocket of the old generation once it retires; a new one reaches the new code', async () => {
    const before = await openSocket()
    expect(await call(before, 'which')).toBe('three')
    const closed = new Promise<number>((resolve) => before.once('close', resolve))
    const result = await reloadTo('four')
    await result.retired
    expect(await closed).toBe(1001)
    const after = await openSocket()
    expect(await call(after, 'which')).toBe('four')
    after.close()
  })

  it('reloads in place: the listening socket and its URL stay, the app is a new one', async () => {
    const app = dev.running.app
    const url = dev.running.url
    await reloadTo('five')
    expect(dev.running.url).toBe(url)
    expect(dev.running.app).not.toBe(app)
    expect(app.draining).toBe(true) // the old one was closed after its drain
  })
})

function openSocket(): Promise<WebSocket> {
  const socket = new WebSocket(`${dev.running.url.replace('http', 'ws')}/ws`)
  return new Promise((resolve, reject) => socket.once('open', () => resolve(socket)).once('error', reject))
}

let ids = 0
function call(socket: WebSocket, actionName: string): Promise<unknown> {
  const id = ++ids
  socket.send(JSON.stringify({ id, action: actionName, input: {} }))
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const frame = JSON.parse(String(data)) as { id?: number; output?: unknown }
      if (frame.id !== id) return
      socket.off('message', onMessage)
      resolve(frame.output)
    }
    socket.on('message', onMessage)
  })
}
