import { afterAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { action, createApp, file, type App, type Extension } from 'serval'
import { handlerFor } from './handler.ts'
import { httpApiEvent, restEvent } from '../../test/support/lambda-events.ts'

// Binary bodies, cookies and repeated headers, both ways. No action sets headers, so a small
// extension route stands in for what does (sessions, login): it echoes what it was sent and sets two cookies.
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe])
const logo = action({ http: 'GET' }, () => file(new Uint8Array(PNG), 'image/png', 'logo.png'))
const echo: Extension = {
  name: 'echo',
  routes: () => [
    {
      method: 'GET',
      path: '/echo',
      handle: (request) => ({
        status: 200,
        headers: { 'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly'], 'x-many': ['one', 'two'] },
        body: { cookie: request.headers.cookie ?? null, tag: request.headers['x-tag'] ?? null, ip: request.ip, query: request.query },
      }),
    },
  ],
}

const apps: App[] = []
const handler = handlerFor(async () => {
  const app = await createApp({ actions: [{ action: logo, exportName: 'logo' }], logger: pino({ level: 'silent' }), extensions: [echo] })
  apps.push(app)
  return app
})
afterAll(() => Promise.all(apps.map((a) => a.close())))

describe('binary responses are base64 with isBase64Encoded: true', () => {
  it.each([
    ['REST', restEvent],
    ['HTTP API', httpApiEvent],
  ])('%s', async (_kind, build) => {
    const result: any = await handler(build({ path: '/actions/logo' }))
    expect(result).toMatchObject({ statusCode: 200, isBase64Encoded: true })
    expect(result.headers['content-type']).toBe('image/png')
    expect(result.headers['content-disposition']).toBe('attachment; filename="logo.png"')
    expect(Buffer.from(result.body, 'base64')).toEqual(PNG)
  })
})

describe('cookies and repeated headers', () => {
  it('REST: multiValueHeaders in, Set-Cookie and repeated headers out in multiValueHeaders', async () => {
    const event = restEvent({ path: '/echo', query: { k: ['1', '2'] }, headers: { Cookie: ['s=abc', 't=def'], 'X-Tag': ['red', 'blue'] } })
    const result: any = await handler(event)
    expect(result.multiValueHeaders['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly'])
    expect(result.multiValueHeaders['x-many']).toEqual(['one', 'two'])
    expect(result.headers['set-cookie']).toBeUndefined()
    expect(JSON.parse(result.body)).toEqual({ cookie: 's=abc; t=def', tag: 'red, blue', ip: '203.0.113.7', query: { k: ['1', '2'] } })
  })

  it('HTTP API: cookies in, each Set-Cookie out in cookies, other repeated headers joined', async () => {
    const event = httpApiEvent({ path: '/echo', query: { k: ['1', '2'] }, cookies: ['s=abc', 't=def'], headers: { 'X-Tag': ['red', 'blue'] } })
    const result: any = await handler(event)
    expect(result.cookies).toEqual(['a=1; Path=/', 'b=2; HttpOnly'])
    expect(result.headers['set-cookie']).toBeUndefined()
    expect(result.headers['x-many']).toBe('one, two')
    expect(JSON.parse(result.body)).toEqual({ cookie: 's=abc; t=def', tag: 'red,blue', ip: '203.0.113.7', query: { k: ['1', '2'] } })
  })
})
