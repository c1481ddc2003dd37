/**
 * Serval: typed functions to a production service.
 *
 * @example
 * ```ts
 * import { action } from 'serval'
 * export const add = action({ http: 'GET', input: Type.Object({ a: Type.Number(), b: Type.Number() }) }, ({ a, b }) => a + b)
 * ```
 */
export * from './action/index.ts'
export type { Principal } from './auth/principal.ts'
export { ActionError, ServalError, errorCodes, toProblem, type Problem, type ProblemIssue, type ErrorCode } from './errors/index.ts'
export type { SchemaLike, InferIn, InferOut, JsonSchemaObject } from './schema/index.ts'
export { createApp, loadApp, type App, type AppOptions, type Extension, type Route, type RouteMethod, type RouteRequest, type RouteResponse } from './app/index.ts'
export { buildRegistry, Registry, type ActionSource, type CompiledAction } from './core/registry.ts'
export type { Security, Credentials } from './core/security.ts'
export { discoverActions } from './discovery/index.ts'
export { loadSettings, defineConfig, SettingsError, type Settings, type SettingName } from './config/index.ts'
export { buildHttpServer, type HttpOptions } from './http/index.ts'
export { serve, listen, type RunningServer, type ServeOptions } from './http/listen.ts'
export { buildOpenApi } from './openapi/index.ts'
export { buildAsyncApi } from './asyncapi/index.ts'
export { asset, Asset } from './assets/index.ts'
export {
  resource,
  disabledResource,
  isResource,
  resourcesExtension,
  openResources,
  discoverResources,
  type Resource,
  type ResourceDef,
  type ResourceOpenContext,
  type ResourceValue,
  type ResourcesOf,
  type DisabledResource,
} from './resources/index.ts'
export { metricsExtension } from './metrics/index.ts'
export { parseTraceparent, formatTraceparent, activeTraceparent } from './tracing/index.ts'
export { jobsOf, JobService, type JobRecord, type JobStatus, type JobView } from './jobs/index.ts'
export {
  channel,
  webhook,
  background,
  isChannel,
  signWebhook,
  verifyWebhook,
  channelsOf,
  channelsSetup,
  discoverChannels,
  type Channel,
  type ChannelDef,
  type WebhookDef,
  type PublishOptions,
} from './channels/index.ts'
