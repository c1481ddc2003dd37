import type { Logger } from 'pino'

/** The process's tracing SDK once started: flushed when an app closes. */
export interface TracingSdk {
  readonly exporter: string
  flush(): Promise<void>
}

let started: Promise<TracingSdk | undefined> | undefined

/**
 * Which span exporter the standard `OTEL_*` variables ask for: `otlp` when
 * an OTLP endpoint is set (or `OTEL_TRACES_EXPORTER=otlp`), `console`, or
 * none (`OTEL_TRACES_EXPORTER=none`, or nothing set; `OTEL_SDK_DISABLED=true`
 * wins over everything).
 *
 * @example
 * ```ts
 * exporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }) // 'otlp'
 * ```
 */
export function exporterFromEnv(env: NodeJS.ProcessEnv): 'otlp' | 'console' | undefined {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined
  const named = env.OTEL_TRACES_EXPORTER?.split(',')[0]?.trim().toLowerCase()
  if (named === 'none') return undefined
  if (named === 'console') return 'console'
  if (named === 'otlp' || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return 'otlp'
  return undefined
}

/**
 * Starts the OpenTelemetry SDK once per process when the environment asks
 * for an exporter, loading it only then: a server without `OTEL_*` never
 * imports it, and its spans stay the API's no-ops. A process whose code
 * registered its own SDK first keeps it (registering twice is refused by
 * the API, and theirs wins).
 *
 * @example
 * ```ts
 * const sdk = await startTracingSdk(process.env, logger) // undefined without OTEL_* variables
 * ```
 */
export function startTracingSdk(env: NodeJS.ProcessEnv, logger: Logger): Promise<TracingSdk | undefined> {
  const exporter = exporterFromEnv(env)
  if (exporter === undefined) return Promise.resolve(undefined)
  return (started ??= load(exporter, env, logger))
}

async function load(kind: 'otlp' | 'console', env: NodeJS.ProcessEnv, logger: Logger): Promise<TracingSdk> {
  const [{ NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, ConsoleSpanExporter }, { resourceFromAttributes, detectResources, envDetector }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ])
  // OTLP over HTTP with JSON bodies; the exporter reads its endpoint, headers and timeout from OTEL_EXPORTER_OTLP_*.
  const exporter = kind === 'otlp' ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter() : new ConsoleSpanExporter()
  const resource = resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'serval' }).merge(detectResources({ detectors: [envDetector] }))
  const processor = kind === 'otlp' ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] })
  provider.register()
  logger.info({ exporter: kind, endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT }, `tracing: exporting spans (${kind})`)
  return { exporter: kind, flush: () => provider.forceFlush() }
}
