import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Parser } from '@asyncapi/parser'
import type { TestServer } from 'serval/testing'
import { runServal } from '../support/serval-process.ts'
import { CHAT, HOOKS, securedChat } from './support.ts'
import { createTestServer } from 'serval/testing'

const HOOK_URL = 'http://127.0.0.1:9/private-receiver?token=s3cret'

async function validate(doc: unknown): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(doc))
  // Severity 0 is an error; warnings and hints (style advice) are not failures.
  return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)
}

describe('GET /asyncapi.json', () => {
  let t: TestServer
  let doc: any
  beforeAll(async () => {
    process.env.TEST_HOOK_URL = HOOK_URL
    t = await securedChat({ workers: 0 })
    const res = await t.fetch('/asyncapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
    doc = await res.json()
  })
  afterAll(() => t.close())

  it('is a valid AsyncAPI 3.0 document (@asyncapi/parser)', async () => {
    expect(doc.asyncapi).toBe('3.0.0')
    expect(await validate(doc)).toEqual([])
    // The check can fail: a broken document is reported.
    expect(await validate({ ...doc, channels: { ...doc.channels, ws: { address: 5 } } })).not.toEqual([])
  })

  it('documents every channel with its address and event schema, and /ws with its frames', () => {
    expect(Object.keys(doc.channels).sort()).toEqual(['members', 'messenger', 'staff', 'ws'])
    expect(doc.channels.messenger.address).toBe('/channels/messenger')
    expect(doc.channels.messenger.description).toContain('A chat room')
    expect(doc.components.messages['messenger.event'].payload).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] })
    expect(doc.channels.ws.address).toBe('/ws')
    expect(Object.keys(doc.channels.ws.messages)).toEqual(expect.arrayContaining(['call', 'cancel', 'subscribe', 'unsubscribe', 'output', 'item', 'end', 'error', 'subscribed', 'unsubscribed']))
    expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' }, accessToken: { in: 'query', name: 'access_token' } })
  })
})

describe('webhook and background channels in the document', () => {
  it('are listed with their event schemas; the receiver URL is never published', async () => {
    process.env.TEST_HOOK_URL = HOOK_URL
    const t = await createTestServer({ dirs: [CHAT, HOOKS] }, { workers: 0 })
    try {
      const text = await (await t.fetch('/asyncapi.json')).text()
      const doc = JSON.parse(text)
      expect(doc.channels.orders).toMatchObject({ address: null, 'x-serval-kind': 'webhook' })
      expect(doc.channels.audit).toMatchObject({ address: null, 'x-serval-kind': 'background' })
      expect(doc.components.messages['audit.event'].payload.properties).toHaveProperty('who')
      expect(text).not.toContain('private-receiver')
      expect(text).not.toContain('s3cret')
      expect(await validate(doc)).toEqual([])
    } finally {
      await t.close()
    }
  })
})

describe('serval asyncapi', () => {
  it('prints the same document, or writes it with --out', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'serval-asyncapi-'))
    try {
      const printed = await runServal(['asyncapi', CHAT])
      expect(printed.code).toBe(0)
      const doc = JSON.parse(printed.stdout)
      expect(Object.keys(doc.channels).sort()).toEqual(['members', 'messenger', 'staff', 'ws'])
      const out = join(tmp, 'asyncapi.json')
      expect((await runServal(['asyncapi', '--out', out, CHAT])).code).toBe(0)
      expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(doc)
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }, 60_000) // two CLI processes, each loading the app: over 20 s on a loaded machine

  it('a bad flag exits 2 naming it', async () => {
    const bad = await runServal(['asyncapi', '--ws-ping-s', 'often', CHAT])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/ws-ping-s/)
  })
})
