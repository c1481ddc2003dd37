import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The `Serval-Signature` header of a webhook body: `t=<unix s>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<body>")>` (Stripe's scheme: the timestamp is
 * signed too, so a captured request cannot be replayed later).
 *
 * @example
 * ```ts
 * signWebhook('whsec', '{"id":1}', 1767225600) // 't=1767225600,v1=5f…'
 * ```
 */
export function signWebhook(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${hmac(secret, `${t}.${body}`)}`
}

/**
 * What a receiver runs: true when `header` signs `body` with `secret` and
 * its timestamp is within `toleranceS` of now. Compares in constant time.
 *
 * @example
 * ```ts
 * if (!verifyWebhook(secret, rawBody, req.headers['serval-signature'])) return res.writeHead(400).end()
 * ```
 */
export function verifyWebhook(secret: string, body: string, header: string | undefined, toleranceS = 300, now = Date.now() / 1000): boolean {
  const parts = new Map((header ?? '').split(',').map((kv) => kv.split('=', 2) as [string, string]))
  const t = Number(parts.get('t'))
  const v1 = parts.get('v1') ?? ''
  if (!Number.isInteger(t) || Math.abs(now - t) > toleranceS || !/^[0-9a-f]{64}$/.test(v1)) return false
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(hmac(secret, `${t}.${body}`), 'hex'))
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex')
}
