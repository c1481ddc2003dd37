import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSettings } from '../../src/config/load.ts'
import { serve, type RunningServer } from '../../src/http/listen.ts'
import { openWs } from '../support/ws.ts'
import { SERVAL, scratch, ZOD } from './support.ts'

// Under a mount the app sees its own paths (/actions/x) while the client
// called /v2/actions/x: every URL it hands back (problem instances,
// Location headers, job links, asset hrefs) must be the one the client can follow.
const dir = scratch('mount-links')
let running: RunningServer
const at = (path: string, init: RequestInit = {}) => fetch(`${running.url}${path}`, init)
const post = (path: string, body: unknown = {}) => at(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

beforeAll(async () => {
  mkdirSync(dir.path('root'))
  mkdirSync(dir.path('v2'))
  dir.write('root/root.ts', `import { action } from '${SERVAL}'\nexport const home = action({ http: 'GET' }, async () => 'root')\n`)
  dir.write(
    'v2/v2.ts',
    `
import { action, ActionError, asset, file } from '${SERVAL}'
import { z } from '${ZOD}'
export const refuse = action({ input: z.object({}) }, async () => { throw new ActionError(409, 'taken') })
export const items = action({ input: z.object({}) }, async function* () { yield 1; throw new ActionError(409, 'midway') })
export const report = action({ store: true, input: z.object({}) }, async () => ({ total: 1 }))
export const picture = action({ store: true, http: 'GET' }, async () => file(new Uint8Array([1, 2, 3]), 'image/png'))
export const thumb = action({ http: 'GET' }, async () => ({ image: asset(new Uint8Array([4, 5]), 'image/png') }))
export const fail = action({ input: z.object({}) }, async () => { throw new ActionError(422, 'bad job') })
`,
  )
  const mounts = [{ name: 'v2', prefix: '/v2', dirs: [dir.path('v2')] }]
  const { settings } = await loadSettings({ cli: { port: 0, log_level: 'silent', data_dir: dir.path('data'), mounts: JSON.stringify(mounts) }, filesOff: true, env: {} })
  running = await serve({ settings, dirs: [dir.path('root')] })
})

afterAll(async () => {
  await running?.close()
  dir.cleanup()
})

describe('URLs a mount hands back carry its prefix', () => {
  it('problem instance: the URL the client called', async () => {
    const refused = (await (await post('/v2/actions/refuse')).json()) as { instance: string }
    expect(refused.instance).toBe('/v2/actions/refuse')
    const invalid = await post('/v2/actions/refuse', 5) // a 422 the pipeline refuses before the handler
    expect(invalid.status).toBe(422)
    expect(((await invalid.json()) as { instance: string }).instance).toBe('/v2/actions/refuse')
    const missing = (await (await at('/v2/actions/nope?x=1')).json()) as { instance: string }
    expect(missing.instance).toBe('/v2/actions/nope')
    // The root app is not under the prefix.
    expect(((await (await at('/actions/nope')).json()) as { instance: string }).instance).toBe('/actions/nope')
  })

  it('a stream error frame', async () => {
    const text = await (await post('/v2/actions/items')).text()
    expect(text).toContain('"instance":"/v2/actions/items"')
  })

  it('Location of a stored result and of a stored binary, and asset hrefs', async () => {
    const origin = running.url
    expect((await post('/v2/actions/report')).headers.get('location')).toMatch(new RegExp(`^${origin}/v2/results/[\\w-]+$`))
    const binary = (await at('/v2/actions/picture')).headers.get('location')!
    expect(binary).toMatch(new RegExp(`^${origin}/v2/assets/zQm\\w+$`))
    expect((await fetch(binary)).status).toBe(200)
    const { image } = (await (await at('/v2/actions/thumb')).json()) as { image: { href: string } }
    expect(image.href).toMatch(new RegExp(`^${origin}/v2/assets/zQm\\w+$`))
  })

  it('job Location, links, the next page and a failed job’s problem', async () => {
    const submitted = await post('/v2/jobs/fail')
    expect(submitted.status).toBe(202)
    const id = ((await submitted.json()) as { id: string }).id
    expect(submitted.headers.get('location')).toBe(`/v2/jobs/${id}`)
    let job: { status: string; links: { self: string; result: string }; error?: { instance: string } }
    do job = (await (await at(`/v2/jobs/${id}`)).json()) as typeof job
    while (job.status !== 'failed')
    expect(job.links).toEqual({ self: `/v2/jobs/${id}`, result: `/v2/jobs/${id}/result` })
    expect(job.error?.instance).toBe(`/v2/jobs/${id}`)
    expect(((await (await at(`/v2/jobs/${id}/result`)).json()) as { instance: string }).instance).toBe(`/v2/jobs/${id}/result`)
    await post('/v2/jobs/fail')
    const page = (await (await at('/v2/jobs?limit=1')).json()) as { next: string }
    expect(page.next).toMatch(/^\/v2\/jobs\?/)
  })

  it('a /ws error frame', async () => {
    const ws = await openWs(`${running.url.replace('http', 'ws')}/v2/ws`)
    ws.send({ id: 1, action: 'refuse', input: {} })
    const frame = await ws.next()
    expect(frame.error.instance).toBe('/v2/ws')
    await ws.close()
  })
})
