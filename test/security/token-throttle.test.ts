import { afterEach, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from 'serval/testing'
import { actions } from './support.ts'

const form = (password: string, client: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client },
  body: new URLSearchParams({ grant_type: 'password', username: 'ada', password }).toString(),
})

describe('dev mode: POST /auth/token throttles password guessing', () => {
  let t: TestServer | undefined
  afterEach(async () => {
    await t?.close()
    t = undefined
  })
  const start = async (settings: Record<string, unknown> = {}) =>
    (t = await createTestServer({ actions }, { auth_mode: 'jwt', dev_mode: true, debug_password: 'let-me-in', ...settings }))

  it('answers 429 + Retry-After after 5 wrong passwords in a row, even to the right one', async () => {
    const server = await start()
    for (let i = 0; i < 5; i++) expect((await server.fetch('/auth/token', form('wrong', '203.0.113.7'))).status).toBe(400)
    const locked = await server.fetch('/auth/token', form('let-me-in', '203.0.113.8')) // X-Forwarded-For is not trusted: same client
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(5)
    expect(await locked.json()).toMatchObject({ type: 'urn:serval:problem:too-many-requests', status: 429, detail: `Too many wrong passwords; retry in ${locked.headers.get('retry-after')} s` })
  })

  it('counts only wrong passwords: malformed grants are 400 and cost nothing', async () => {
    const server = await start()
    const bad = { ...form('x', '1.2.3.4'), body: 'grant_type=client_credentials' }
    for (let i = 0; i < 8; i++) expect((await server.fetch('/auth/token', bad)).status).toBe(400)
    expect((await server.fetch('/auth/token', form('let-me-in', '1.2.3.4'))).status).toBe(200)
  })

  it('behind a trusted proxy, throttles each client apart', async () => {
    const server = await start({ trust_proxy: 'loopback' })
    for (let i = 0; i < 5; i++) expect((await server.fetch('/auth/token', form('wrong', '203.0.113.7'))).status).toBe(400)
    expect((await server.fetch('/auth/token', form('let-me-in', '203.0.113.7'))).status).toBe(429)
    expect((await server.fetch('/auth/token', form('let-me-in', '203.0.113.8'))).status).toBe(200)
  })

  it('documents the 429 on /auth/token', async () => {
    const server = await start()
    const doc = await (await server.fetch('/openapi.json')).json()
    expect(doc.paths['/auth/token'].post.responses['429']).toMatchObject({ headers: { 'Retry-After': {} } })
  })
})
