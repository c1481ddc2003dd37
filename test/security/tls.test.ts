import { readFileSync } from 'node:fs'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer } from 'serval/testing'
import { serverInfo } from '../../src/http/system.ts'
import { httpsGet, makeCerts, type TestCerts } from './certs.ts'
import { actions, bearer, hs256, SECRET } from './support.ts'

let certs: TestCerts
beforeAll(() => {
  certs = makeCerts()
})
afterAll(() => certs.cleanup())

describe('TLS', () => {
  it('serves HTTPS from tls_cert/tls_key given as paths', async () => {
    const t = await createTestServer({ actions }, { tls_cert: certs.serverCert, tls_key: certs.serverKey })
    try {
      expect(t.url).toMatch(/^https:\/\//)
      expect(await httpsGet(`${t.url}/actions/ping`, certs.ca)).toEqual({ status: 200, body: { sub: null } })
    } finally {
      await t.close()
    }
  })

  it('takes inline PEM too', async () => {
    const t = await createTestServer({ actions }, { tls_cert: readFileSync(certs.serverCert, 'utf8'), tls_key: readFileSync(certs.serverKey, 'utf8') })
    try {
      expect((await httpsGet(`${t.url}/_sys/health`, certs.ca)).status).toBe(200)
    } finally {
      await t.close()
    }
  })

  it('takes inline PEM whose line breaks an env file escaped as \\n', async () => {
    const escaped = (path: string) => readFileSync(path, 'utf8').replaceAll('\n', '\\n')
    const t = await createTestServer({ actions }, { tls_cert: escaped(certs.serverCert), tls_key: escaped(certs.serverKey) })
    try {
      expect((await httpsGet(`${t.url}/_sys/health`, certs.ca)).status).toBe(200)
    } finally {
      await t.close()
    }
  })

  it('refuses half a TLS configuration at startup, naming the missing variable', async () => {
    await expect(createTestServer({ actions }, { tls_key: certs.serverKey })).rejects.toThrow('SERVAL_TLS_CERT: is required when tls_key or tls_client_ca is set')
    await expect(createTestServer({ actions }, { tls_client_ca: certs.ca })).rejects.toThrow('SERVAL_TLS_CERT: is required when tls_key or tls_client_ca is set')
    await expect(createTestServer({ actions }, { tls_cert: certs.serverCert })).rejects.toThrow('SERVAL_TLS_KEY: is required when tls_cert is set')
  })

  it('refuses a path it cannot read at startup, naming the variable and the path', async () => {
    const missing = '/nonexistent/serval-test.pem'
    for (const [settings, name] of [
      [{ tls_cert: missing, tls_key: certs.serverKey }, 'SERVAL_TLS_CERT'],
      [{ tls_cert: certs.serverCert, tls_key: missing }, 'SERVAL_TLS_KEY'],
      [{ tls_cert: certs.serverCert, tls_key: certs.serverKey, tls_client_ca: missing }, 'SERVAL_TLS_CLIENT_CA'],
    ] as const) {
      await expect(createTestServer({ actions }, settings)).rejects.toThrow(`${name}: cannot read ${missing}: ENOENT`)
    }
  })
})

describe('mTLS (tls_client_ca)', () => {
  const settings = () => ({ tls_cert: certs.serverCert, tls_key: certs.serverKey, tls_client_ca: certs.ca })

  it('refuses clients without a CA-signed certificate during the handshake', async () => {
    const t = await createTestServer({ actions }, settings())
    // The server's side of the handshake: a refused client never becomes a secure connection.
    const secured: boolean[] = []
    const refused: string[] = []
    t.server.server.on('secureConnection', (socket: TLSSocket) => secured.push(socket.authorized))
    t.server.server.on('tlsClientError', (error: NodeJS.ErrnoException) => refused.push(String(error.code)))
    try {
      // No certificate: TLS 1.3's "certificate required" alert, not a refused or reset connection.
      await expect(httpsGet(`${t.url}/actions/ping`, certs.ca)).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' })
      expect(refused).toEqual(['ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE'])
      // A certificate the CA never signed: the server drops the handshake.
      await expect(httpsGet(`${t.url}/actions/ping`, certs.ca, certs.rogue)).rejects.toMatchObject({ code: 'ECONNRESET' })
      expect(refused).toHaveLength(2)
      expect(secured).toEqual([])
      expect((await httpsGet(`${t.url}/_sys/health`, certs.ca, certs.client)).status).toBe(200) // still healthy
      expect(secured).toEqual([true])
    } finally {
      await t.close()
    }
  })

  it('with auth_mode=none, the principal is the certificate: sub = CN', async () => {
    const t = await createTestServer({ actions }, settings())
    try {
      expect(await httpsGet(`${t.url}/actions/ping`, certs.ca, certs.client)).toEqual({ status: 200, body: { sub: 'billing-service' } })
      expect(serverInfo(t.app, { internals: true }).auth).toEqual({ mode: 'none', mtls: true })
    } finally {
      await t.close()
    }
  })

  it('with auth_mode=none, a certificate without a CN is named by its fingerprint, never an empty sub', async () => {
    const t = await createTestServer({ actions }, settings())
    try {
      const res = await httpsGet(`${t.url}/actions/ping`, certs.ca, certs.anonymous)
      expect(res.status).toBe(200)
      expect(res.body.sub).toMatch(/^cert:([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    } finally {
      await t.close()
    }
  })

  it('with auth_mode=jwt, a token is still required and the certificate rides along', async () => {
    const t = await createTestServer({ actions }, { ...settings(), auth_mode: 'jwt', jwt_secret: SECRET })
    try {
      expect((await httpsGet(`${t.url}/actions/whoami`, certs.ca, certs.client)).status).toBe(401)
      const res = await httpsGet(`${t.url}/actions/whoami`, certs.ca, { ...certs.client, headers: bearer(await hs256({ sub: 'ada' })) })
      expect(res).toMatchObject({ status: 200, body: { sub: 'ada', certificate: { subject: { CN: 'billing-service', O: 'Acme' } } } })
      // A repeated attribute (two OUs) is one text, in order.
      const two = await httpsGet(`${t.url}/actions/whoami`, certs.ca, { ...certs.anonymous, headers: bearer(await hs256({ sub: 'ada' })) })
      expect(two.body.certificate.subject).toEqual({ O: 'Acme', OU: 'Billing, Payments' })
    } finally {
      await t.close()
    }
  })
})
