import { readFileSync } from 'node:fs'
import type { ServerOptions } from 'node:https'
import type { Settings } from '../../config/definitions.ts'
import { SettingsError } from '../../config/parse.ts'

/**
 * The HTTPS options of `tls_cert`/`tls_key` (paths or inline PEM), or
 * undefined for plain HTTP. `tls_client_ca` turns on mTLS: a client
 * without a certificate signed by that CA is refused during the TLS
 * handshake, before any HTTP is read. A half-configured TLS is a startup
 * error naming the variable.
 *
 * @example
 * ```ts
 * const https = tlsOptions(settings) // { cert, key, ca?, requestCert?, rejectUnauthorized? }
 * ```
 */
export function tlsOptions(settings: Settings): ServerOptions | undefined {
  const { tls_cert: cert, tls_key: key, tls_client_ca: ca } = settings
  if (!cert && !key && !ca) return undefined
  if (!cert) throw new SettingsError('SERVAL_TLS_CERT', 'is required when tls_key or tls_client_ca is set')
  if (!key) throw new SettingsError('SERVAL_TLS_KEY', 'is required when tls_cert is set')
  const options: ServerOptions = {
    cert: pem(cert, 'SERVAL_TLS_CERT'),
    key: pem(key, 'SERVAL_TLS_KEY'),
    maxHeaderSize: settings.max_header_size,
  }
  if (ca) Object.assign(options, { ca: pem(ca, 'SERVAL_TLS_CLIENT_CA'), requestCert: true, rejectUnauthorized: true })
  return options
}

/** Inline PEM as is (a `\n` escaped by an env file is restored), else a file path. */
function pem(value: string, origin: string): string {
  if (value.includes('-----BEGIN')) return value.includes('\n') ? value : value.replaceAll('\\n', '\n')
  try {
    return readFileSync(value, 'utf8')
  } catch (error) {
    throw new SettingsError(origin, `cannot read ${value}: ${(error as Error).message}`)
  }
}
