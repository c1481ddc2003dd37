import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, ScheduledEvent } from 'aws-lambda'

/** The kinds of event a Serval function answers, told apart by their documented shapes. */
export type LambdaEvent =
  | { readonly kind: 'rest'; readonly event: APIGatewayProxyEvent }
  | { readonly kind: 'http-api'; readonly event: APIGatewayProxyEventV2 }
  | { readonly kind: 'direct'; readonly event: Record<string, unknown> }
  | { readonly kind: 'batch'; readonly events: readonly unknown[] }
  | { readonly kind: 'scheduled'; readonly event: ScheduledEvent }
  | { readonly kind: 'unknown' }

/**
 * Tells an event's kind: API Gateway REST (v1, `httpMethod`), HTTP API or
 * Function URL (`version: '2.0'`), a list of direct invocations, an
 * EventBridge Scheduled Event, or a direct invocation (`action`). Only the
 * discriminating fields are looked at here; each kind checks the rest.
 *
 * @example
 * ```ts
 * classify({ action: 'sayHello', input: { name: 'x' } }).kind // 'direct'
 * ```
 */
export function classify(event: unknown): LambdaEvent {
  if (Array.isArray(event)) return { kind: 'batch', events: event }
  if (typeof event !== 'object' || event === null) return { kind: 'unknown' }
  const e = event as Record<string, unknown>
  if (e.version === '2.0' && isObject(e.requestContext) && isObject(e.requestContext.http)) {
    return { kind: 'http-api', event: event as APIGatewayProxyEventV2 }
  }
  if (typeof e.httpMethod === 'string') return { kind: 'rest', event: event as APIGatewayProxyEvent }
  if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event') return { kind: 'scheduled', event: event as ScheduledEvent }
  if ('action' in e) return { kind: 'direct', event: e }
  return { kind: 'unknown' }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
