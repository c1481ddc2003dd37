import { ProxyTracerProvider, SpanKind, SpanStatusCode, context, isSpanContextValid, trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api'
import type { Invocation } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'
import { parentContext, parseTraceparent } from './traceparent.ts'

/** Where a call came from, as the span kind says it: a server span for a remote caller, a consumer span for a job. */
const KIND: Record<string, SpanKind> = { http: SpanKind.SERVER, ws: SpanKind.SERVER, graphql: SpanKind.SERVER, lambda: SpanKind.SERVER, job: SpanKind.CONSUMER, schedule: SpanKind.CONSUMER }

/**
 * The tracing step of the pipeline: one span per invocation, named after
 * the action, continuing the invocation's `traceparent` (else the active
 * context), active while the handler runs so its own spans (a database
 * client's) nest under it. Through `@opentelemetry/api` only: without a
 * registered SDK every call is the API's no-op, and a remote parent still
 * gives `ctx.traceId`.
 *
 * @example
 * ```ts
 * const tracing = new InvocationTracing(trace.getTracer('serval'))
 * const out = tracing.recording() ? await tracing.run(action, inv, (traceId) => pipeline(traceId)) : await pipeline(tracing.traceIdOf(inv))
 * ```
 */
export class InvocationTracing {
  readonly #tracer: Tracer

  constructor(tracer: Tracer = trace.getTracer('serval')) {
    this.#tracer = tracer
  }

  /**
   * Whether a span would be recorded: false while no SDK is registered (the
   * common case without OTEL_*), when every span is the API's no-op and
   * `context.with` a plain call. Asked per call, not once: an SDK may
   * register after the app is built (a resource's `open`, a test).
   */
  recording(): boolean {
    const provider = trace.getTracerProvider()
    return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_PROVIDER
  }

  /** The trace of a call that is not recorded: its remote parent's. */
  traceIdOf(inv: Invocation): string | undefined {
    return parseTraceparent(inv.traceparent)?.traceId
  }

  async run(action: CompiledAction, inv: Invocation, body: (traceId: string | undefined) => Promise<unknown>): Promise<unknown> {
    const parent = parentContext(inv.traceparent)
    const span = this.#tracer.startSpan(action.name, { kind: KIND[inv.trigger] ?? SpanKind.INTERNAL, attributes: { 'serval.action': action.name, 'serval.transport': inv.trigger, 'serval.request_id': inv.requestId } }, parent)
    const sc = span.spanContext()
    const traceId = isSpanContextValid(sc) ? sc.traceId : undefined
    try {
      const out = await context.with(trace.setSpan(parent, span), body, undefined, traceId)
      span.setAttribute('serval.status', 200)
      return out
    } catch (error) {
      failed(span, error)
      throw error
    } finally {
      span.end()
    }
  }
}

/** What the API's proxy delegates to while no SDK has registered a provider. */
const NOOP_PROVIDER: TracerProvider = new ProxyTracerProvider().getDelegate()

/** Marks a span failed with the status the error answers (a 4xx is the caller's; the span is an error either way). */
function failed(span: Span, error: unknown): void {
  const status = error instanceof ServalError ? error.status : 500
  span.setAttribute('serval.status', status)
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
  if (status >= 500 && error instanceof Error) span.recordException(error)
}
