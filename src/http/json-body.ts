import type { FastifyInstance } from 'fastify'
import secureJson from 'secure-json-parse'
import { ServalError } from '../errors/index.ts'

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Replaces Fastify's JSON parser: an empty body is `{}` (a POST with no body
 * is an empty input), invalid UTF-8 and `__proto__`/`constructor.prototype`
 * keys are a 400, and nesting deeper than `maxDepth` is a 400 before any
 * schema sees it.
 */
export function registerJsonParser(server: FastifyInstance, maxDepth: number): void {
  // text/plain too: Fastify parses it by default, and a string body is a wrong content type (415), not bad input (422).
  server.removeContentTypeParser(['application/json', 'text/plain'])
  server.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    try {
      done(null, parseJsonBody(body, maxDepth))
    } catch (error) {
      done(error as Error, undefined)
    }
  })
}

/** Parses one JSON body under the rules above. */
export function parseJsonBody(body: Buffer, maxDepth: number): unknown {
  if (body.length === 0) return {}
  let text: string
  try {
    text = decoder.decode(body)
  } catch {
    throw new ServalError('invalid-json', { detail: 'The body is not valid UTF-8' })
  }
  let value: unknown
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error)
    throw new ServalError('invalid-json', { detail: `The body is not valid JSON: ${msg}` })
  }
  // Nesting needs two characters a level, so short bodies cannot be too deep.
  if (body.length > maxDepth * 2 && tooDeep(value, maxDepth)) {
    throw new ServalError('bad-request', { detail: `The body nests deeper than ${maxDepth} levels` })
  }
  return value
}

function tooDeep(value: unknown, budget: number): boolean {
  if (value === null || typeof value !== 'object') return false
  if (budget === 0) return true
  if (Array.isArray(value)) {
    for (const item of value) if (tooDeep(item, budget - 1)) return true
    return false
  }
  for (const key in value) if (tooDeep((value as Record<string, unknown>)[key], budget - 1)) return true
  return false
}
