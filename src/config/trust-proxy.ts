import { isIP } from 'node:net'
import { splitList } from './list.ts'

/** The names proxy-addr (Fastify's `trustProxy`) knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])
const TRUE = new Set(['true', 'yes', 'on'])
const FALSE = new Set(['false', 'no', 'off', ''])

/**
 * Reads `trust_proxy` into what Fastify's `trustProxy` takes: `false`
 * (X-Forwarded-For is ignored), `true` (trust every proxy), a hop count, or
 * the proxies' addresses and CIDRs (and proxy-addr's `loopback`,
 * `linklocal`, `uniquelocal`). Undefined when it is none of these.
 *
 * @example
 * ```ts
 * parseTrustProxy('10.0.0.0/8, 127.0.0.1') // ['10.0.0.0/8', '127.0.0.1']
 * parseTrustProxy('2') // 2
 * ```
 */
export function parseTrustProxy(raw: unknown): boolean | number | string[] | undefined {
  if (typeof raw === 'boolean') return raw
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? hops(raw) : undefined
  if (Array.isArray(raw)) return addresses(raw.map(String))
  if (typeof raw !== 'string') return undefined
  const text = raw.trim().toLowerCase()
  if (TRUE.has(text)) return true
  if (FALSE.has(text)) return false
  if (/^\d{1,4}$/.test(text)) return hops(Number(text))
  return addresses(splitList(raw))
}

/** 0 hops trusts nobody: the same as false. */
function hops(n: number): number | false {
  return n === 0 ? false : n
}

function addresses(list: string[]): string[] | undefined {
  return list.length > 0 && list.every(isAddressOrRange) ? list : undefined
}

function isAddressOrRange(text: string): boolean {
  if (RANGE_NAMES.has(text)) return true
  const [address = '', prefix, extra] = text.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)
}
