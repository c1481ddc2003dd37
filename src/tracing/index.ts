export { InvocationTracing } from './span.ts'
export { activeTraceparent, formatTraceparent, parentContext, parseTraceparent } from './traceparent.ts'
export { exporterFromEnv, startTracingSdk, type TracingSdk } from './sdk.ts'
