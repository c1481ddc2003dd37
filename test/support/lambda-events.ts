// Lambda events built by hand in AWS's documented shapes (API Gateway "Lambda proxy integration
// input format", HTTP API "payload format version 2.0", Function URL events, EventBridge Scheduled Event).
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, ScheduledEvent } from 'aws-lambda'

/** What a test request says: the rest of each event is filled in as AWS sends it. */
export interface EventRequest {
  method?: string
  path: string
  /** Repeated keys keep every value. */
  query?: Record<string, string[]>
  headers?: Record<string, string[]>
  body?: string | Buffer
  stage?: string
  cookies?: string[]
}

function bodyOf(body: string | Buffer | undefined): { body: string | null; isBase64Encoded: boolean } {
  if (body === undefined) return { body: null, isBase64Encoded: false }
  return Buffer.isBuffer(body) ? { body: body.toString('base64'), isBase64Encoded: true } : { body, isBase64Encoded: false }
}

/** An API Gateway REST (payload 1.0) event; `path` is the path as API Gateway passes it. */
export function restEvent(r: EventRequest): APIGatewayProxyEvent {
  const method = r.method ?? 'GET'
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k, v[v.length - 1]!]))
  const query = r.query ?? {}
  return {
    resource: r.path,
    path: r.path,
    httpMethod: method,
    headers,
    multiValueHeaders: r.headers ?? {},
    queryStringParameters: Object.keys(query).length ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v[v.length - 1]!])) : null,
    multiValueQueryStringParameters: Object.keys(query).length ? query : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'id',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: { sourceIp: '203.0.113.7', userAgent: 'test' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: r.stage ? `/${r.stage}${r.path}` : r.path,
      stage: r.stage ?? 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1428582896000,
      resourceId: '123456',
      resourcePath: r.path,
    },
    ...bodyOf(r.body),
  }
}

/** An HTTP API (payload 2.0) event; with `stage`, `rawPath` starts with it as AWS sends it for a named stage. */
export function httpApiEvent(r: EventRequest): APIGatewayProxyEventV2 {
  const method = r.method ?? 'GET'
  const rawPath = r.stage ? `/${r.stage}${r.path}` : r.path
  const query = new URLSearchParams()
  for (const [k, vs] of Object.entries(r.query ?? {})) for (const v of vs) query.append(k, v)
  const { body, isBase64Encoded } = bodyOf(r.body)
  return {
    version: '2.0',
    routeKey: `${method} ${r.path}`,
    rawPath,
    rawQueryString: query.toString(),
    ...(r.cookies ? { cookies: r.cookies } : {}),
    headers: Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.join(',')])),
    ...(query.size ? { queryStringParameters: Object.fromEntries([...query.keys()].map((k) => [k, query.getAll(k).join(',')])) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: 'id.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'id',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: 'id',
      routeKey: `${method} ${r.path}`,
      stage: r.stage ?? '$default',
      time: '12/Mar/2020:19:03:58 +0000',
      timeEpoch: 1583348638390,
    },
    isBase64Encoded,
    ...(body === null ? {} : { body }),
  }
}

/** A Lambda Function URL event: payload 2.0 on the `$default` stage, routeKey `$default`. */
export function functionUrlEvent(r: Omit<EventRequest, 'stage'>): APIGatewayProxyEventV2 {
  const event = httpApiEvent(r)
  return { ...event, routeKey: '$default', requestContext: { ...event.requestContext, routeKey: '$default', domainName: 'abc.lambda-url.us-east-1.on.aws' } }
}

/** An EventBridge Scheduled Event, as a rule with no input sends it. */
export function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2019-10-08T16:53:06Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/MyScheduledRule'],
    detail: {},
  }
}
