import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

interface Key {
  kid: string
  alg: string
  privateKey: CryptoKey
  jwk: JWK
}

/** A real local OIDC issuer: discovery, a JWKS that can rotate, and a signer. */
export interface TestIssuer {
  readonly url: string
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number
  /** How many times the discovery document was asked for. */
  readonly discoveries: number
  /** The `Accept` header of the last discovery request. */
  readonly discoveryAccept: string | undefined
  /** Signs a token with the current key (or a key the JWKS does not publish). */
  sign(claims: JWTPayload, options?: { expS?: number; issuer?: string; audience?: string; unpublished?: boolean; alg?: string }): Promise<string>
  /** Publishes a new key (new kid) and signs with it from now on; the old one stays published. */
  rotate(): Promise<void>
  /** Makes discovery and the JWKS answer 500 (the issuer is down). */
  down(value: boolean): void
  /** Makes discovery answer this status and JSON body instead of its own document (a broken issuer). */
  discovery(answer: { status: number; body: unknown } | undefined): void
  close(): Promise<void>
}

async function makeKey(kid: string, alg = 'RS256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {})
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

/** `algorithms`: one more published key for each, for `sign(…, { alg })`. */
export async function startIssuer(audience = 'serval-api', algorithms: readonly string[] = []): Promise<TestIssuer> {
  const keys = [await makeKey('key-1')]
  const byAlg = new Map<string, Key>()
  for (const alg of algorithms) byAlg.set(alg, await makeKey(`key-${alg}`, alg))
  const stray = await makeKey('stray')
  let fetches = 0
  let discoveries = 0
  let discoveryAccept: string | undefined
  let isDown = false
  let answer: { status: number; body: unknown } | undefined
  let url = ''
  const server: Server = createServer((req, res) => {
    if (isDown) return void res.writeHead(500).end()
    res.setHeader('content-type', 'application/json')
    if (req.url === '/.well-known/openid-configuration') {
      discoveries++
      discoveryAccept = req.headers.accept
      if (answer) return void res.writeHead(answer.status).end(JSON.stringify(answer.body))
      return void res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks` }))
    }
    if (req.url === '/jwks') return void (fetches++, res.end(JSON.stringify({ keys: [...keys, ...byAlg.values()].map((k) => k.jwk) })))
    res.writeHead(404).end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    get jwksFetches() {
      return fetches
    },
    get discoveries() {
      return discoveries
    },
    get discoveryAccept() {
      return discoveryAccept
    },
    async sign(claims, options = {}) {
      const key = options.unpublished ? stray : options.alg ? byAlg.get(options.alg)! : keys[keys.length - 1]!
      return new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .setIssuer(options.issuer ?? url)
        .setAudience(options.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expS ?? 300))
        .sign(key.privateKey)
    },
    async rotate() {
      keys.push(await makeKey(`key-${keys.length + 1}`))
    },
    down(value) {
      isDown = value
    },
    discovery(value) {
      answer = value
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
