import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { action } from 'serval'
import { createTestServer, type TestServer } from 'serval/testing'
import { eventually } from './support/redis.ts'
import { actions as securityActions, bearer, hs256, SECRET } from './security/support.ts'
import { SignJWT } from 'jose'

/** Settings that change what a client sees: request_timeout_s, max_connections, auth_clock_skew_s. */

const ping = action({ http: 'GET' }, () => 'pong')
let t: TestServer | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

/** A raw connection that collects what the server sends until it closes, or until `boundMs` passes. */
function raw(url: string, write: string, boundMs = 10_000): { socket: Socket; done: Promise<{ text: string; closed: boolean }> } {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1')
  let text = ''
  socket.setEncoding('utf8').on('data', (d: string) => (text += d))
  socket.on('error', () => undefined)
  const done = new Promise<{ text: string; closed: boolean }>((resolve) => {
    const timer = setTimeout(() => resolve({ text, closed: false }), boundMs)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ text, closed: true })
    })
  })
  socket.write(write)
  return { socket, done }
}

describe('request_timeout_s', () => {
  // Node checks request timeouts only every connectionsCheckingInterval (30 s
  // by default); the server sets it from the setting, so the 408 comes on time.
  it('answers 408 with a problem to a client that stalls in its headers', async () => {
    t = await createTestServer({ actions: [{ action: ping, exportName: 'ping' }] }, { request_timeout_s: 1 })
    const conn = raw(t.url, 'GET /actions/ping HTTP/1.1\r\nhost: x\r\n', 6_000)
    const { text, closed } = await conn.done
    conn.socket.destroy()
    expect(closed).toBe(true)
    expect(text).toMatch(/^HTTP\/1\.1 408 /)
    expect(text).toContain('urn:serval:problem:request-timeout')
  })
})

describe('max_connections', () => {
  it('refuses connections over the limit and accepts again once one closes', async () => {
    t = await createTestServer({ actions: [{ action: ping, exportName: 'ping' }] }, { max_connections: 2 })
    const request = 'GET /actions/ping HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n'
    const first = raw(t.url, request)
    const second = raw(t.url, request)
    const server = t.server.server
    await eventually(() => new Promise<true | undefined>((r) => server.getConnections((_e, n) => r(n === 2 ? true : undefined))), 'two open connections')
    const third = await raw(t.url, request).done
    expect(third).toEqual({ text: '', closed: true }) // dropped without a byte
    first.socket.destroy()
    await eventually(() => new Promise<true | undefined>((r) => server.getConnections((_e, n) => r(n < 2 ? true : undefined))), 'a free slot')
    const fourth = raw(t.url, request.replace('keep-alive', 'close'))
    const { text } = await fourth.done
    expect(text).toMatch(/^HTTP\/1\.1 200 /)
    second.socket.destroy()
  })

  it('0 means unlimited', async () => {
    t = await createTestServer({ actions: [{ action: ping, exportName: 'ping' }] }, { max_connections: 0 })
    const open = Array.from({ length: 5 }, () => raw(t!.url, 'GET /actions/ping HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'))
    for (const c of open) expect((await c.done).text).toMatch(/^HTTP\/1\.1 200 /)
  })
})

describe('auth_clock_skew_s', () => {
  const who = securityActions.filter((a) => a.exportName === 'whoami')
  /** A token that expired `agoS` seconds ago, or becomes valid in `inS` seconds. */
  const token = (claims: { expAgoS?: number; nbfInS?: number }) => {
    const now = Math.floor(Date.now() / 1000)
    const jwt = new SignJWT({ sub: 'ada' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now - 120)
    jwt.setExpirationTime(claims.expAgoS === undefined ? now + 300 : now - claims.expAgoS)
    if (claims.nbfInS !== undefined) jwt.setNotBefore(now + claims.nbfInS)
    return jwt.sign(new TextEncoder().encode(SECRET))
  }
  const status = async (tok: string) => (await t!.fetch('/actions/whoami', { headers: bearer(tok) })).status

  it('accepts a token expired or not yet valid by less than the skew, refuses one beyond it', async () => {
    t = await createTestServer({ actions: who }, { auth_mode: 'jwt', jwt_secret: SECRET, auth_clock_skew_s: 60 })
    expect(await status(await hs256({ sub: 'ada' }))).toBe(200)
    expect(await status(await token({ expAgoS: 20 }))).toBe(200)
    expect(await status(await token({ nbfInS: 20 }))).toBe(200)
    expect(await status(await token({ expAgoS: 120 }))).toBe(401)
    expect(await status(await token({ nbfInS: 120 }))).toBe(401)
  })

  it('with 0 tolerates nothing', async () => {
    t = await createTestServer({ actions: who }, { auth_mode: 'jwt', jwt_secret: SECRET, auth_clock_skew_s: 0 })
    expect(await status(await token({ expAgoS: 20 }))).toBe(401)
    expect(await status(await token({ nbfInS: 20 }))).toBe(401)
    expect(await status(await hs256({ sub: 'ada' }))).toBe(200)
  })
})
