export { metricsExtension, QUEUE_DEPTH_TIMEOUT_MS } from './extension.ts'
export { MetricsSeries, DURATION_BUCKETS, type GaugeSources } from './series.ts'
