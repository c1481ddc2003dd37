import { action } from '../action/define.ts'
import type { AnyAction } from '../action/types.ts'
import { ServalError } from '../errors/index.ts'
import { signWebhook } from './signature.ts'
import { activeTraceparent } from '../tracing/traceparent.ts'
import type { WebhookDef } from './types.ts'

/**
 * A delivery's input: the event id (the same on every attempt) and the validated event.
 *
 * @example
 * ```ts
 * const input: DeliveryInput = { id: randomUUID(), event: { order: 1 } }
 * ```
 */
export interface DeliveryInput {
  readonly id: string
  readonly event: unknown
}

const DELIVERY_INPUT = {
  type: 'object',
  properties: { id: { type: 'string' }, event: {} },
  required: ['id', 'event'],
  additionalProperties: false,
} as const

/** A receiver that does not answer within this is a failed attempt. */
const ATTEMPT_TIMEOUT_MS = 10_000

/**
 * The internal action `webhook:<name>` whose jobs are a webhook's
 * deliveries: one POST per attempt, signed afresh (its own timestamp),
 * always the same `Serval-Event-Id`. A non-2xx answer or a network error
 * is a 502, which the job system retries with exponential backoff (1 s
 * doubling, capped at `maxBackoffS`) up to `maxAttempts`. Not callable
 * over HTTP (`http: false`).
 *
 * @example
 * ```ts
 * const deliver = webhookAction('orders', def, 300) // sources: { action: deliver, exportName: 'webhook:orders', internal: true }
 * ```
 */
export function webhookAction(name: string, def: WebhookDef, maxBackoffS: number): AnyAction {
  const attempts = def.maxAttempts ?? 8
  if (!Number.isInteger(attempts) || attempts < 1) throw new TypeError(`webhook("${name}"): maxAttempts must be an integer ≥ 1, got ${String(attempts)}`)
  return action(
    {
      name: `webhook:${name}`,
      description: `Deliveries of the webhook channel "${name}"`,
      http: false,
      input: DELIVERY_INPUT,
      job: { retry: { attempts, backoff: { type: 'exponential', delayMs: 1000, maxDelayMs: maxBackoffS * 1000 } } },
    },
    async (input, ctx) => deliver(def, input as unknown as DeliveryInput, ctx.signal),
  )
}

async function deliver(def: WebhookDef, input: DeliveryInput, signal: AbortSignal): Promise<{ status: number }> {
  const body = JSON.stringify(input.event)
  // The delivery's span (the job's run, continuing the publisher's trace) is the receiver's parent.
  const traceparent = activeTraceparent()
  let response: Response
  try {
    response = await fetch(def.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'serval-event-id': input.id, 'serval-signature': signWebhook(def.secret, body), ...(traceparent ? { traceparent } : {}) },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
    })
  } catch (cause) {
    // The receiver's address stays out of the job's problem (job views are readable by their submitter).
    throw new ServalError('webhook-failed', { detail: `The receiver could not be reached (${(cause as Error).name})`, cause })
  }
  await response.body?.cancel()
  if (response.status < 200 || response.status > 299) throw new ServalError('webhook-failed', { detail: `The receiver answered ${response.status}` })
  return { status: response.status }
}
