import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Type } from '@sinclair/typebox'
import { z } from 'zod'
import { action, upload } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { eventually } from './support/redis.ts'

// Uploads over a real socket: multipart/form-data to actions whose input has file properties.
const seen: { text?: string }[] = []
const actions = [
  action(
    { name: 'describeFile', input: Type.Object({ doc: upload(), title: Type.Optional(Type.String()), copies: Type.Optional(Type.Integer()), meta: Type.Optional(Type.Object({ lang: Type.String() })) }) },
    async ({ doc, title, copies, meta }) => ({ name: doc.name, type: doc.type, size: doc.size, text: await doc.text(), title, copies, lang: meta?.lang }),
  ),
  action({ name: 'many', input: z.object({ files: z.array(z.file()).max(5) }) }, ({ files }) => files.map((f) => f.name)),
  action({ name: 'explode', input: z.object({ doc: z.file() }) }, async ({ doc }) => {
    seen.push({ text: await doc.text() })
    throw new Error('the handler failed')
  }),
  action({ name: 'plain', input: z.object({ a: z.string() }) }, ({ a }) => a),
  action({ name: 'replace', http: ['PUT', 'PATCH', 'DELETE'], input: Type.Object({ doc: Type.Optional(upload()), n: Type.Optional(Type.Integer()) }) }, async ({ doc, n }) => ({ text: await doc?.text(), n })),
  action({ name: 'later', input: z.object({ doc: z.file() }), job: {} }, () => 'ok'),
].map((a) => ({ action: a, exportName: a.def.name! }))

let t: TestServer
let dataDir: string
const uploadsLeft = () => readdirSync(join(dataDir, 'uploads'))

function form(parts: Record<string, string | Blob | (string | Blob)[]>, filenames: Record<string, string> = {}): FormData {
  const body = new FormData()
  for (const [name, value] of Object.entries(parts)) for (const v of [value].flat()) {
    if (typeof v === "string") body.append(name, v)
    else body.append(name, v, filenames[name] ?? "file.bin")
  }
  return body
}

const post = (path: string, body: FormData) => t.fetch(`/actions/${path}`, { method: 'POST', body })

describe('uploads', () => {
  // Built per test (beforeEach): under Stryker's perTest coverage the route options made at registration
  // (which methods read a form) count for each test, as they would for none in a beforeAll.
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'serval-uploads-'))
    t = await createTestServer({ actions }, { data_dir: dataDir, upload_limit: 1024 })
  })
  afterEach(async () => {
    await t?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('gives a file part to the handler as a File, with its name and type; text parts are coerced and dotted names nest', async () => {
    const res = await post('describe-file', form({ doc: new Blob(['hello file'], { type: 'text/plain' }), title: 'T', copies: '3', 'meta.lang': 'en' }, { doc: 'notes.txt' }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'notes.txt', type: 'text/plain', size: 10, text: 'hello file', title: 'T', copies: 3, lang: 'en' })
    await eventually(() => (uploadsLeft().length === 0 ? true : undefined), 'the temporary files to go')
  })

  it('makes a list of repeated file parts', async () => {
    const res = await post('many', form({ files: [new Blob(['a']), new Blob(['b'])] }, { files: 'x.bin' }))
    expect(await res.json()).toEqual(['x.bin', 'x.bin'])
    const one = await post('many', form({ files: new Blob(['a']) }, { files: 'one.bin' }))
    expect(await one.json()).toEqual(['one.bin'])
  })

  it('answers a file part over upload_limit with a 413, and keeps none of it', async () => {
    const res = await post('describe-file', form({ doc: new Blob([new Uint8Array(4096)]) }))
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect((await res.json()).detail).toContain('upload_limit')
    expect(uploadsLeft()).toEqual([])
  })

  it('answers a file in a text field with a 422 naming it, and text in a file field with a 422', async () => {
    const fileInText = await post('describe-file', form({ doc: new Blob(['x']), title: new Blob(['y']) }))
    expect(fileInText.status).toBe(422)
    expect((await fileInText.json()).errors[0].path).toBe('/title')
    const textInFile = await post('describe-file', form({ doc: 'not a file' }))
    expect(textInFile.status).toBe(422)
    expect((await textInFile.json()).errors[0]).toMatchObject({ path: '/doc', message: expect.stringContaining('file') })
  })

  it('answers a form sent to an action without file properties, or to /jobs, with a 415', async () => {
    const plain = await post('plain', form({ a: 'x' }))
    expect(plain.status).toBe(415)
    const job = await t.fetch('/jobs/later', { method: 'POST', body: form({ doc: new Blob(['x']) }) })
    expect(job.status).toBe(415)
  })

  it('reads a form on PUT and PATCH too, its text parts coerced; DELETE reads its query and answers a form with a 415', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const res = await t.fetch('/actions/replace', { method, body: form({ doc: new Blob(['new']), n: '4' }) })
      expect([method, res.status, await res.json()]).toEqual([method, 200, { text: 'new', n: 4 }])
    }
    expect(await (await t.fetch('/actions/replace?n=5', { method: 'DELETE' })).json()).toEqual({ n: 5 })
    expect((await t.fetch('/actions/replace?n=5', { method: 'DELETE', body: form({ doc: new Blob(['x']) }) })).status).toBe(415)
  })

  it('answers JSON with a string where a file belongs with a 422: JSON cannot carry a file', async () => {
    const res = await t.fetch('/actions/describe-file', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ doc: 'aGVsbG8=' }) })
    expect(res.status).toBe(422)
  })

  it('removes the files of a call whose handler fails, and hides the failure', async () => {
    const res = await post('explode', form({ doc: new Blob(['payload']) }))
    expect(res.status).toBe(500)
    expect(JSON.stringify(await res.json())).not.toContain('the handler failed')
    expect(seen.at(-1)).toEqual({ text: 'payload' })
    await eventually(() => (uploadsLeft().length === 0 ? true : undefined), 'the temporary files to go')
  })

  it('refuses a form of too many parts with a 413', async () => {
    const res = await post('many', form({ files: Array.from({ length: 25 }, () => new Blob(['x'])) }))
    expect(res.status).toBe(413)
  })

  it('answers a malformed multipart body with a 400 on a raw socket, and keeps serving', async () => {
    const { port } = new URL(t.url)
    const body = '--b\r\ncontent-disposition: form-data; name="doc"; filename="a"\r\n\r\nunterminated'
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /actions/describe-file HTTP/1.1\r\nhost: x\r\ncontent-type: multipart/form-data; boundary=b\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`)
      })
      let text = ''
      socket.on('data', (d) => (text += d))
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
    })
    expect(raw).toMatch(/^HTTP\/1.1 400/)
    expect((await post('many', form({ files: new Blob(['ok']) }, { files: 'ok.bin' }))).status).toBe(200)
  })

  it('documents the form in OpenAPI, the file as format binary', async () => {
    const doc = await (await t.fetch('/openapi.json')).json()
    const body = doc.paths['/actions/describe-file'].post.requestBody
    expect(Object.keys(body.content)).toEqual(['multipart/form-data', 'application/json'])
    const ref: string = body.content['multipart/form-data'].schema.$ref
    expect(doc.components.schemas[ref.split('/').pop()!].properties.doc).toMatchObject({ type: 'string', format: 'binary' })
    expect(Object.keys(doc.paths['/actions/plain'].post.requestBody.content)).toEqual(['application/json'])
  })
})
