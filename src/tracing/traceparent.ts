import { ROOT_CONTEXT, TraceFlags, context, isSpanContextValid, trace, type Context as OtelContext, type SpanContext } from '@opentelemetry/api'

// W3C Trace Context, level 1: version-traceid-parentid-flags. Parsed here
// rather than by a registered propagator: `@opentelemetry/api` alone has
// none, and a trace must continue even when no SDK is loaded.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/

/**
 * The span context a W3C `traceparent` header carries, or undefined when the
 * header is absent or malformed (a bad header starts a new trace, as the
 * spec asks, never an error).
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId // '4bf9…4736'
 * ```
 */
export function parseTraceparent(header: string | undefined): SpanContext | undefined {
  if (header === undefined || header.length < 55) return undefined
  const m = TRACEPARENT.exec(header.trim().toLowerCase())
  if (m === null || m[1] === 'ff' || (m[1] === '00' && header.trim().length !== 55)) return undefined
  const sc: SpanContext = { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16) & TraceFlags.SAMPLED, isRemote: true }
  return isSpanContextValid(sc) ? sc : undefined
}

/**
 * The W3C `traceparent` header of a span context.
 *
 * @example
 * ```ts
 * formatTraceparent(span.spanContext()) // '00-4bf9…-00f0…-01'
 * ```
 */
export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${sc.traceFlags & TraceFlags.SAMPLED ? '01' : '00'}`
}

/**
 * The OpenTelemetry context to start a span in: the remote parent of
 * `header` when valid, else the active context.
 *
 * @example
 * ```ts
 * tracer.startSpan('add', {}, parentContext(request.headers.traceparent))
 * ```
 */
export function parentContext(header: string | undefined): OtelContext {
  const remote = parseTraceparent(header)
  return remote === undefined ? context.active() : trace.setSpanContext(ROOT_CONTEXT, remote)
}

/**
 * The `traceparent` of the active span (the invocation running now, when an
 * SDK keeps the context), else `fallback`. Jobs, webhook deliveries and
 * channel events store it so their runs continue the trace.
 *
 * @example
 * ```ts
 * const job = { ...newJob, traceparent: activeTraceparent(request.headers.traceparent) }
 * ```
 */
export function activeTraceparent(fallback?: string): string | undefined {
  const sc = trace.getActiveSpan()?.spanContext()
  return sc !== undefined && isSpanContextValid(sc) ? formatTraceparent(sc) : fallback
}
