import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda'
import { ServalError } from '../errors/index.ts'

/** One HTTP request as the adapter's `inject()` takes it. */
export interface HttpRequest {
  readonly method: string
  /** Path and query, the stage prefix removed. */
  readonly url: string
  readonly headers: Record<string, string>
  readonly payload?: Buffer
  readonly remoteAddress?: string
}

/**
 * An API Gateway REST (payload 1.0) event as an HTTP request. The
 * multi-value fields win over the single-value ones, so repeated headers
 * and query keys survive; a base64 body is decoded. A malformed event
 * throws a 400 naming the field.
 *
 * @example
 * ```ts
 * fromRestEvent(event) // { method: 'GET', url: '/actions/say-hello?name=x', headers: {…} }
 * ```
 */
export function fromRestEvent(event: APIGatewayProxyEvent): HttpRequest {
  const path = requirePath(event.path, 'path', 'REST')
  const method = requireMethod(event.httpMethod, 'httpMethod', 'REST')
  const stage = event.requestContext?.stage
  const headers = joinHeaders(event.multiValueHeaders ?? undefined, event.headers ?? undefined)
  const query = restQuery(event.multiValueQueryStringParameters ?? undefined, event.queryStringParameters ?? undefined)
  return request(method, withQuery(stripStage(path, stage), query), headers, event, event.requestContext?.identity?.sourceIp)
}

/**
 * An HTTP API (payload 2.0) or Function URL event as an HTTP request:
 * `rawPath` and `rawQueryString` as sent, `cookies` back into one
 * `Cookie` header.
 *
 * @example
 * ```ts
 * fromHttpApiEvent(event) // { method: 'POST', url: '/actions/add', headers: {…}, payload: <Buffer> }
 * ```
 */
export function fromHttpApiEvent(event: APIGatewayProxyEventV2): HttpRequest {
  const http = event.requestContext.http
  const path = requirePath(event.rawPath, 'rawPath', 'HTTP API')
  const method = requireMethod(http.method, 'requestContext.http.method', 'HTTP API')
  const raw = event.rawQueryString
  if (raw !== undefined && typeof raw !== 'string') throw malformed('HTTP API', 'rawQueryString must be a string')
  const headers = joinHeaders(undefined, event.headers ?? undefined)
  if (event.cookies !== undefined) headers.cookie = [headers.cookie, ...textList(event.cookies, 'cookies')].filter(Boolean).join('; ')
  return request(method, withQuery(stripStage(path, event.requestContext.stage), raw ?? ''), headers, event, http.sourceIp)
}

function request(method: string, url: string, headers: Record<string, string>, event: { body?: string | null | undefined; isBase64Encoded?: boolean }, ip: unknown): HttpRequest {
  const payload = body(event.body, event.isBase64Encoded === true)
  return {
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
    ...(typeof ip === 'string' && ip ? { remoteAddress: ip } : {}),
  }
}

/** Removes `/{stage}` when the path starts with it (custom domains and named HTTP API stages send it). */
function stripStage(path: string, stage: unknown): string {
  if (typeof stage !== 'string' || stage === '' || stage === '$default') return path
  const prefix = `/${stage}`
  if (path === prefix) return '/'
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function body(text: unknown, base64: boolean): Buffer | undefined {
  if (text === undefined || text === null) return undefined
  if (typeof text !== 'string') throw malformed('HTTP', 'body must be a string or null')
  if (!base64) return Buffer.from(text, 'utf8')
  // Buffer.from silently skips bad characters; a corrupt body must be a 400, not different bytes.
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new ServalError('bad-request', { detail: 'The body is marked isBase64Encoded but is not valid base64' })
  return Buffer.from(text, 'base64')
}

/** Lower-cased header names, repeated values joined as Node joins them (`; ` for cookies, else `, `). */
function joinHeaders(multi: Record<string, unknown> | undefined, single: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(single ?? {})) {
    if (value !== undefined && value !== null) out[name.toLowerCase()] = headerText(value, name)
  }
  for (const [name, values] of Object.entries(multi ?? {})) {
    const key = name.toLowerCase()
    out[key] = textList(values, `multiValueHeaders.${name}`).join(key === 'cookie' ? '; ' : ', ')
  }
  return out
}

function restQuery(multi: Record<string, unknown> | undefined, single: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams()
  if (multi && Object.keys(multi).length) {
    for (const [key, values] of Object.entries(multi)) for (const v of textList(values, `multiValueQueryStringParameters.${key}`)) params.append(key, v)
  } else {
    for (const [key, value] of Object.entries(single ?? {})) if (value !== undefined && value !== null) params.append(key, headerText(value, key))
  }
  return params.toString()
}

function withQuery(path: string, query: string): string {
  return query ? `${path}?${query}` : path
}

function headerText(value: unknown, name: string): string {
  if (typeof value === 'string') return value
  throw malformed('HTTP', `the value of "${name}" must be a string`)
}

function textList(values: unknown, field: string): string[] {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) throw malformed('HTTP', `${field} must be a list of strings`)
  return values
}

function requirePath(value: unknown, field: string, kind: string): string {
  if (typeof value === 'string' && value.startsWith('/')) return value
  throw malformed(kind, `${field} must be a path starting with /`)
}

function requireMethod(value: unknown, field: string, kind: string): string {
  if (typeof value === 'string' && /^[A-Za-z]+$/.test(value)) return value.toUpperCase()
  throw malformed(kind, `${field} must be an HTTP method name`)
}

function malformed(kind: string, what: string): ServalError {
  return new ServalError('bad-request', { title: 'Malformed event', detail: `API Gateway ${kind} event: ${what}` })
}
