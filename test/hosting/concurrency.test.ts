import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSettings } from '../../src/config/load.ts'
import { startDevServer, type DevServer } from '../../src/dev/index.ts'
import { capturedLogger, gate, SERVAL, scratch, ZOD } from './support.ts'

// max_concurrency is the process's: the root app, its mounts and a
// generation still draining after a reload share one count, so a reload
// never hands out a fresh set of slots while the old calls still run.
const dir = scratch('concurrency')
let dev: DevServer

const fns = (answer: string) => `
import { action } from '${SERVAL}'
import { z } from '${ZOD}'
const g = globalThis as Record<string, any>
export const quick = action({ input: z.object({}), output: z.string(), http: 'GET' }, async () => '${answer}')
export const slow = action({ input: z.object({}), output: z.string(), http: 'GET' }, async () => {
  g.busyGateEntered?.()
  await g.busyGate
  return 'slow ${answer}'
})
`

beforeAll(async () => {
  mkdirSync(dir.path('root'))
  mkdirSync(dir.path('side'))
  dir.write('root/fns.ts', fns('one'))
  dir.write('side/fns.ts', fns('side'))
  const mounts = [{ name: 'side', prefix: '/side', dirs: [dir.path('side')] }]
  const { settings } = await loadSettings({
    cli: { port: 0, dev_mode: true, data_dir: dir.path('data'), max_concurrency: 1, shutdown_grace_s: 5, mounts: JSON.stringify(mounts) },
    filesOff: true,
    env: {},
  })
  dev = await startDevServer({ settings, dirs: [dir.path('root')], logger: capturedLogger().logger, watch: false })
})

afterAll(async () => {
  await dev?.close()
  dir.cleanup()
})

const get = (path: string) => fetch(`${dev.running.url}${path}`)

describe('max_concurrency=1 across generations and mounts', () => {
  it('counts a call still running on the previous generation after a reload, and lists it', async () => {
    const busy = gate('busyGate')
    const pending = get('/actions/slow')
    await busy.entered
    dir.write('root/fns.ts', fns('two'))
    const [result] = await dev.reloader.reload([dir.path('root/fns.ts')])
    expect(result?.ok).toBe(true)
    const refused = await get('/actions/quick')
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(((await refused.json()) as { type: string }).type).toBe('urn:serval:problem:over-capacity')
    // The operator sees why: the new generation's listing shows the call still running on the old one.
    const listing = (await (await get('/_sys/requests')).json()) as { requests: { action: string | null; path: string }[] }
    expect(listing.requests).toContainEqual(expect.objectContaining({ action: 'slow', path: '/actions/slow' }))
    busy.open()
    expect(await (await pending).json()).toBe('slow one')
    expect(await (await get('/actions/quick')).json()).toBe('two')
  })

  it('counts a mount’s calls and the root’s together', async () => {
    const busy = gate('busyGate')
    const pending = get('/side/actions/slow')
    await busy.entered
    expect((await get('/actions/quick')).status).toBe(503)
    expect((await get('/side/actions/quick')).status).toBe(503)
    expect((await get('/_sys/health')).status).toBe(200)
    busy.open()
    expect(await (await pending).json()).toBe('slow side')
    expect(await (await get('/actions/quick')).json()).toBe('two')
    expect(await (await get('/side/actions/quick')).json()).toBe('side')
  })
})
