import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** PEM files made for one test run: a CA, a server certificate, and two client certificates. */
export interface TestCerts {
  dir: string
  ca: string
  serverCert: string
  serverKey: string
  /** Signed by the CA: CN=billing-service, O=Acme. */
  client: { cert: string; key: string }
  /** Signed by the CA, with no CN: O=Acme only. */
  anonymous: { cert: string; key: string }
  /** Self-signed: a client the CA never vouched for. */
  rogue: { cert: string; key: string }
  cleanup(): void
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

/** Makes the certificates with the openssl CLI in a temp dir. */
export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'serval-tls-'))
  const at = (name: string) => join(dir, name)
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  ssl('req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Serval Test CA')
  const signed = (name: string, subject: string, ext: string) => {
    writeFileSync(at(`${name}.ext`), ext)
    ssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject)
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`)
  }
  signed('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  signed('client', '/CN=billing-service/O=Acme', 'extendedKeyUsage=clientAuth\n')
  signed('anonymous', '/O=Acme/OU=Billing/OU=Payments', 'extendedKeyUsage=clientAuth\n')
  ssl('req', '-x509', ...EC, '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '2', '-subj', '/CN=billing-service/O=Acme')
  const read = (name: string) => readFileSync(at(name), 'utf8')
  return {
    dir,
    ca: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    client: { cert: read('client.crt'), key: read('client.key') },
    anonymous: { cert: read('anonymous.crt'), key: read('anonymous.key') },
    rogue: { cert: read('rogue.crt'), key: read('rogue.key') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** One HTTPS GET trusting the test CA, optionally with a client certificate; rejects when the handshake fails. */
export function httpsGet(url: string, ca: string, options: { cert?: string; key?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: readFileSync(ca), cert: options.cert, key: options.key, headers: options.headers, agent: false }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(5_000, () => req.destroy(new Error('timed out')))
    req.end()
  })
}
