import type { FastifyInstance } from 'fastify'
import { ServalError } from '../errors/index.ts'
import { invalidInput } from '../schema/index.ts'

const decoder = new TextDecoder('utf-8', { fatal: true })
const hasOwn = Object.prototype.hasOwnProperty
const POISONED = 'Object contains forbidden prototype property'

/**
 * Replaces Fastify's JSON parser: an empty body is `{}` (a POST with no body
 * is an empty input), invalid UTF-8 and `__proto__`/`constructor.prototype`
 * keys are a 400, nesting deeper than `maxDepth` is a 400 before any schema
 * sees it, and a number JSON cannot hold (`1e400` parses to Infinity) is a
 * 422 naming its path.
 *
 * @example
 * ```ts
 * registerJsonParser(server, app.settings.max_json_depth)
 * ```
 */
export function registerJsonParser(server: FastifyInstance, maxDepth: number): void {
  // text/plain too: Fastify parses it by default, and a string body is a wrong content type (415), not bad input (422).
  server.removeContentTypeParser(['application/json', 'text/plain'])
  const parse = (_req: unknown, body: Buffer, done: (error: Error | null, value?: unknown) => void): void => {
    try {
      done(null, parseJsonBody(body, maxDepth))
    } catch (error) {
      done(error as Error, undefined)
    }
  }
  server.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse)
  // PATCH /_sys/config takes RFC 7396 merge patches: JSON under its own type.
  server.addContentTypeParser('application/merge-patch+json', { parseAs: 'buffer' }, parse)
}

/**
 * Parses one JSON body under the rules above: one `JSON.parse`, then one
 * walk that checks depth, prototype keys and non-finite numbers together.
 *
 * @example
 * ```ts
 * parseJsonBody(Buffer.from('{"a":1}'), 32) // { a: 1 }
 * ```
 */
export function parseJsonBody(body: Buffer, maxDepth: number): unknown {
  if (body.length === 0) return {}
  let text: string
  try {
    text = decoder.decode(body) // also drops a leading BOM
  } catch {
    throw new ServalError('invalid-json', { detail: 'The body is not valid UTF-8' })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ServalError('invalid-json', { detail: `The body is not valid JSON: ${(error as Error).message}` })
  }
  const found = walk(value, maxDepth)
  if (found !== undefined) throw refusal(value, found, maxDepth)
  return value
}

/** What the walk stopped at, and where (segments collected on the way back up). */
interface Finding {
  kind: 'poisoned' | 'deep' | 'non-finite'
  path: Array<string | number>
}

/** Undefined when the value is fine; else the first problem met, depth first. */
function walk(value: unknown, budget: number): Finding | undefined {
  if (typeof value !== 'object') {
    return typeof value === 'number' && value - value !== 0 ? { kind: 'non-finite', path: [] } : undefined
  }
  if (value === null) return undefined
  if (budget === 0) return { kind: 'deep', path: [] }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], budget - 1)
      if (found !== undefined) return found.path.push(i), found
    }
    return undefined
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key]
    if (key === '__proto__' || (key === 'constructor' && isPrototypeHolder(item))) return { kind: 'poisoned', path: [] }
    const found = walk(item, budget - 1)
    if (found !== undefined) return found.path.push(key), found
  }
  return undefined
}

function isPrototypeHolder(value: unknown): boolean {
  return typeof value === 'object' && value !== null && hasOwn.call(value, 'prototype')
}

/**
 * The error for a finding. A prototype key anywhere wins over the others,
 * as when it was checked first over the whole body: only this (rare) path
 * pays for a second, unbounded look.
 */
function refusal(value: unknown, found: Finding, maxDepth: number): ServalError {
  if (found.kind === 'poisoned' || hasPoisonedKey(value)) return new ServalError('invalid-json', { detail: `The body is not valid JSON: ${POISONED}` })
  if (found.kind === 'deep') return new ServalError('bad-request', { detail: `The body nests deeper than ${maxDepth} levels` })
  const pointer = found.path.reverse().map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`)
  return invalidInput([{ path: pointer.join(''), message: 'must be a finite number' }])
}

function hasPoisonedKey(root: unknown): boolean {
  const stack = [root]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node !== 'object' || node === null) continue
    if (hasOwn.call(node, '__proto__') || (hasOwn.call(node, 'constructor') && isPrototypeHolder((node as Record<string, unknown>).constructor))) return true
    for (const key in node) stack.push((node as Record<string, unknown>)[key])
  }
  return false
}
