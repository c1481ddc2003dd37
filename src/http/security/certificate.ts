import type { TLSSocket } from 'node:tls'
import type { FastifyRequest } from 'fastify'
import type { Principal } from '../../auth/principal.ts'

type Certificate = NonNullable<Principal['certificate']>

// One TLS connection carries one client certificate: read it once per socket, not per request.
const bySocket = new WeakMap<object, Certificate | null>()

/**
 * The verified client certificate of a request under mTLS: its subject
 * (`CN`, `O`, …) and SHA-256 fingerprint. Undefined on plain HTTP, or when
 * the TLS layer did not verify a certificate against `tls_client_ca`.
 *
 * @example
 * ```ts
 * peerCertificate(request)?.subject.CN // 'billing-service'
 * ```
 */
export function peerCertificate(request: FastifyRequest): Certificate | undefined {
  const socket = request.raw.socket as Partial<TLSSocket>
  if (typeof socket.getPeerCertificate !== 'function') return undefined
  let cert = bySocket.get(socket)
  if (cert === undefined) bySocket.set(socket, (cert = readCertificate(socket as TLSSocket)))
  return cert ?? undefined
}

function readCertificate(socket: TLSSocket): Certificate | null {
  if (!socket.authorized) return null
  const peer = socket.getPeerCertificate()
  if (!peer || !peer.subject) return null
  const subject: Record<string, string> = {}
  for (const [key, value] of Object.entries(peer.subject)) subject[key] = Array.isArray(value) ? value.join(', ') : String(value)
  return { subject, fingerprint256: peer.fingerprint256 }
}
