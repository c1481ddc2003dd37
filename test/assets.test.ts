import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Type } from '@sinclair/typebox'
import { base58btc } from 'multiformats/bases/base58'
import { action, asset, loadSettings, SettingsError } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { MAX_ASSET_BYTES } from '../src/assets/store.ts'

const bytes = new Uint8Array(Array.from({ length: 100 }, (_, i) => i))
const AssetRef = Type.Object({ href: Type.String(), contentType: Type.String(), size: Type.Integer() })
const actions = [
  action({ name: 'chart', http: 'GET', output: Type.Object({ title: Type.String(), image: AssetRef }) }, () => ({ title: 'sales', image: asset(bytes, 'image/png') })),
  action({ name: 'huge', http: 'GET' }, () => ({ video: asset(new Uint8Array(MAX_ASSET_BYTES + 1), 'video/mp4') })),
  action({ name: 'loose', http: 'GET' }, () => ({ files: [asset(new TextEncoder().encode('hello'), 'text/plain')] })),
].map((a) => ({ action: a, exportName: a.def.name! }))

const multihash = (b: Uint8Array) => base58btc.encode(new Uint8Array([0x12, 0x20, ...createHash('sha256').update(b).digest()]))

describe('assets', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await createTestServer({ actions })
  })
  afterAll(() => t.close())

  it('sends asset() as { href, contentType, size } under a sha2-256 multihash, through an output schema', async () => {
    const out = await (await t.fetch('/actions/chart')).json()
    expect(out).toEqual({ title: 'sales', image: { href: `${t.url}/assets/${multihash(bytes)}`, contentType: 'image/png', size: 100 } })
    const loose = await (await t.fetch('/actions/loose')).json()
    expect(loose.files[0]).toMatchObject({ contentType: 'text/plain', size: 5 })
    expect(await (await fetch(loose.files[0].href)).text()).toBe('hello')
  })

  it('serves the bytes with content type, ETag, immutable Cache-Control and Accept-Ranges; 304 on If-None-Match', async () => {
    const { image } = await (await t.fetch('/actions/chart')).json()
    const res = await fetch(image.href)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([...bytes])
    const etag = res.headers.get('etag')!
    expect(etag).toBe(`"${multihash(bytes)}"`)
    expect((await fetch(image.href, { headers: { 'if-none-match': `W/${etag}` } })).status).toBe(304)
  })

  it('documents GET /assets/{id} and GET /results/{id} in OpenAPI, with their statuses', async () => {
    const doc = await (await t.fetch('/openapi.json')).json()
    expect(Object.keys(doc.paths['/assets/{id}'].get.responses).sort()).toEqual(['200', '206', '304', '404', '416'])
    expect(doc.components.schemas.Asset.required).toEqual(['href', 'contentType', 'size'])
    expect(Object.keys(doc.paths['/results/{id}'].get.responses).sort()).toEqual(['200', '204', '404'])
  })

  it('answers ranges with 206 and Content-Range, and an unsatisfiable one with a 416 problem', async () => {
    const { image } = await (await t.fetch('/actions/chart')).json()
    const cases: [string, number[], string][] = [
      ['bytes=0-9', [0, 9], 'bytes 0-9/100'],
      ['bytes=95-', [95, 99], 'bytes 95-99/100'],
      ['bytes=-3', [97, 99], 'bytes 97-99/100'],
      ['bytes=90-500', [90, 99], 'bytes 90-99/100'],
    ]
    for (const [range, [from, to], contentRange] of cases) {
      const res = await fetch(image.href, { headers: { range } })
      expect(res.status, range).toBe(206)
      expect(res.headers.get('content-range')).toBe(contentRange)
      expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([...bytes.slice(from!, to! + 1)])
    }
    const bad = await fetch(image.href, { headers: { range: 'bytes=100-' } })
    expect(bad.status).toBe(416)
    expect(bad.headers.get('content-range')).toBe('bytes */100')
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
    // A malformed or multi-range header is ignored: the whole asset.
    expect((await fetch(image.href, { headers: { range: 'bytes=0-1,5-6' } })).status).toBe(200)
  })

  it('refuses an asset over 64 MiB with a 500 problem, writing no file', async () => {
    const res = await t.fetch('/actions/huge')
    expect(res.status).toBe(500)
    expect((await res.json()).type).toBe('urn:serval:problem:invalid-output')
    const dir = join(resolve(t.app.cwd, t.app.settings.data_dir), 'assets')
    expect(readdirSync(dir).some((name) => name.startsWith(multihash(new Uint8Array(MAX_ASSET_BYTES + 1))))).toBe(false)
  })

  it('answers an unknown or malformed id with a 404 problem', async () => {
    for (const id of [multihash(new Uint8Array([1])), 'not-an-id', '..%2Fcache']) {
      const res = await t.fetch(`/assets/${id}`)
      expect(res.status, id).toBe(404)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
    }
  })
})

describe('assets_public_base_url', () => {
  it('prefixes hrefs with it, without its trailing slashes', async () => {
    const t = await createTestServer({ actions }, { assets_public_base_url: 'https://cdn.example.com/c//' })
    try {
      const { image } = await (await t.fetch('/actions/chart')).json()
      expect(image.href).toBe(`https://cdn.example.com/c/assets/${multihash(bytes)}`)
    } finally {
      await t.close()
    }
  })

  it('refuses a value that is not a URL', async () => {
    const error = await loadSettings({ env: { SERVAL_ASSETS_PUBLIC_BASE_URL: 'cdn' }, filesOff: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SettingsError)
    expect((error as Error).message).toContain('SERVAL_ASSETS_PUBLIC_BASE_URL')
  })
})
