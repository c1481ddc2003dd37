import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda'

/** An HTTP response as the adapter's `inject()` returns it: the part a Lambda result is made from. */
export interface HttpResponse {
  readonly statusCode: number
  readonly headers: Record<string, string | string[] | number | undefined>
  readonly rawPayload: Buffer
}

// Hop-by-hop or recomputed by API Gateway: passing them on would describe a body that is not sent as such.
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length'])
const TEXT = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|yaml|x-yaml|x-www-form-urlencoded|graphql)\b|image\/svg\+xml)/i

/**
 * A response as an API Gateway REST (payload 1.0) result: single values
 * in `headers`, repeated ones (`Set-Cookie`…) in `multiValueHeaders`, and
 * a binary body base64-encoded.
 *
 * @example
 * ```ts
 * toRestResult(await server.inject(request)) // { statusCode: 200, headers: {…}, body: '"Hello"', isBase64Encoded: false }
 * ```
 */
export function toRestResult(response: HttpResponse): APIGatewayProxyResult {
  const headers: Record<string, string> = {}
  const multiValueHeaders: Record<string, string[]> = {}
  for (const [name, value] of responseHeaders(response)) {
    if (Array.isArray(value)) multiValueHeaders[name] = value
    else headers[name] = value
  }
  return {
    statusCode: response.statusCode,
    headers,
    ...(Object.keys(multiValueHeaders).length ? { multiValueHeaders } : {}),
    ...encodeBody(response),
  }
}

/**
 * A response as an HTTP API / Function URL (payload 2.0) result: each
 * `Set-Cookie` in `cookies`, other repeated headers joined with commas.
 *
 * @example
 * ```ts
 * toHttpApiResult(await server.inject(request)) // { statusCode: 200, headers: {…}, cookies: ['a=1'], body: '…' }
 * ```
 */
export function toHttpApiResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = {}
  let cookies: string[] = []
  for (const [name, value] of responseHeaders(response)) {
    if (name === 'set-cookie') cookies = Array.isArray(value) ? value : [value]
    else headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return { statusCode: response.statusCode, headers, ...(cookies.length ? { cookies } : {}), ...encodeBody(response) }
}

function* responseHeaders(response: HttpResponse): Generator<[string, string | string[]]> {
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || DROPPED.has(name)) continue
    yield [name, Array.isArray(value) ? value.map(String) : String(value)]
  }
}

/** Text stays text; anything else (or an untyped body) is base64, so no byte is lost on the way. */
function encodeBody(response: HttpResponse): { body: string; isBase64Encoded: boolean } {
  const bytes = response.rawPayload
  if (bytes.length === 0) return { body: '', isBase64Encoded: false }
  const type = response.headers['content-type']
  if (typeof type === 'string' && TEXT.test(type)) return { body: bytes.toString('utf8'), isBase64Encoded: false }
  return { body: bytes.toString('base64'), isBase64Encoded: true }
}
