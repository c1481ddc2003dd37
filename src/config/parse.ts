import type { SettingDef } from './definitions.ts'
import { splitList } from './list.ts'
import { parseMounts } from './mounts.ts'
import { parseTrustProxy } from './trust-proxy.ts'

export { splitList }

/**
 * A bad setting: names the flag, variable or file key it came from, so the
 * CLI can print it and exit 2.
 *
 * @example
 * ```ts
 * new SettingsError('SERVAL_PORT', 'must be an integer from 0 to 65535, got "x"')
 * ```
 */
export class SettingsError extends Error {
  readonly origin: string
  constructor(origin: string, problem: string) {
    super(`${origin}: ${problem}`)
    this.name = 'SettingsError'
    this.origin = origin
  }
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 }
const TRUE = new Set(['1', 'true', 'yes', 'on'])
const FALSE = new Set(['0', 'false', 'no', 'off', ''])

/**
 * Parses one raw value (text from env or a flag, or a config file value)
 * into its kind. A bad one throws a `SettingsError` naming the origin, what
 * is allowed and the value, then `context` (which setting, from where).
 */
export function parseSetting(def: SettingDef, raw: unknown, origin: string, context?: string): unknown {
  const fail = (what: string): never => {
    throw new SettingsError(origin, `${what}, got ${JSON.stringify(raw)}${context ? ` (${context})` : ''}`)
  }
  switch (def.kind) {
    case 'int':
    case 'bytes': {
      const n = def.kind === 'bytes' ? parseBytes(raw) : parseInteger(raw)
      if (n === undefined) fail(def.kind === 'bytes' ? 'must be a size like 1048576, 512kb or 1mb' : `must be an integer${range(def)}`)
      return checkRange(def, n as number, fail)
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw
      if (typeof raw === 'string' && TRUE.has(raw.toLowerCase())) return true
      if (typeof raw === 'string' && FALSE.has(raw.toLowerCase())) return false
      return fail('must be true or false')
    case 'list':
      if (Array.isArray(raw)) return raw.map(String)
      if (typeof raw === 'string') return splitList(raw)
      return fail('must be a comma-separated list')
    case 'enum':
      if (typeof raw === 'string' && def.values?.includes(raw)) return raw
      return fail(`must be one of ${def.values?.join(', ')}`)
    case 'url':
      if (typeof raw === 'string' && URL.canParse(raw)) return raw
      return fail('must be an absolute URL')
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return fail('must be text')
      const text = String(raw)
      if (def.min !== undefined && text.length < def.min) fail(def.min === 1 ? 'must not be empty' : `must be at least ${def.min} characters`)
      const problem = def.check?.(text)
      if (problem) fail(problem)
      return text
    }
    case 'mounts':
      return parseMounts(raw, fail)
    case 'proxy':
      return parseTrustProxy(raw) ?? fail('must be true, false, a hop count, or addresses/CIDRs of the proxies (comma-separated)')
  }
}

function parseInteger(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined
  if (typeof raw === 'string' && /^-?\d+$/.test(raw.trim())) return Number(raw.trim())
  return undefined
}

function parseBytes(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined
  if (typeof raw !== 'string') return undefined
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(raw.trim())
  if (!m) return undefined
  const unit = UNITS[(m[2] || 'b').toLowerCase()]
  return unit === undefined ? undefined : Math.floor(Number(m[1]) * unit)
}

function checkRange(def: SettingDef, n: number, fail: (what: string) => never): number {
  if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) fail(`must be${range(def)}`)
  return n
}

/** ` from 0 to 65535`, ` from 1` (or nothing): what an integer setting allows. */
function range(def: SettingDef): string {
  if (def.min === undefined && def.max === undefined) return ''
  if (def.max === undefined) return ` from ${def.min} up`
  return ` from ${def.min ?? '-∞'} to ${def.max}`
}
