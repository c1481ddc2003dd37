import type { App } from '../../app/app.ts'
import type { CompiledAction } from '../../core/registry.ts'
import { parseSchedule } from '../../schedules/parse.ts'
import { awsSchedule } from './schedule.ts'

/** Which API Gateway fronts the functions: an HTTP API (`httpApi` events) or a REST API (`http` events). */
export type ApiKind = 'http-api' | 'rest'

/** What `serverlessConfig` is told beyond the app. */
export interface ServerlessOptions {
  readonly service: string
  /** One function for every route and schedule, instead of one per action. */
  readonly router: boolean
  readonly api: ApiKind
  /** The handler as the Serverless Framework names it: `FILE.EXPORT`, relative to the service root. */
  readonly handler: string
  readonly environment: Record<string, string>
  /** Also route OPTIONS to the function, so the app answers CORS preflights. */
  readonly cors: boolean
}

/** The generated document, and what the user should know about it. */
export interface ServerlessConfig {
  readonly doc: Record<string, unknown>
  readonly warnings: string[]
}

type Event = Record<string, unknown>
interface FunctionDef {
  handler: string
  description?: string
  timeout?: number
  events: Event[]
}

const MAX_TIMEOUT_S = 900
const GATEWAY_TIMEOUT_S: Record<ApiKind, number> = { 'http-api': 30, rest: 29 }

/**
 * The `serverless.yml` document of an app: `provider.runtime: nodejs20.x`,
 * one function per action with HTTP routes or a schedule (or one router),
 * an API Gateway event per path and method, a `schedule` event per
 * schedule (its input `{ action }`, a direct invocation), and `timeout` from
 * the action's `job.timeoutMs`. A schedule AWS cannot run throws, naming the action.
 *
 * @example
 * ```ts
 * const { doc } = await serverlessConfig(app, { service: 'shop', router: false, api: 'http-api', handler: 'handler.handler', environment: {}, cors: false })
 * ```
 */
export async function serverlessConfig(app: App, options: ServerlessOptions): Promise<ServerlessConfig> {
  const warnings: string[] = []
  const functions: Record<string, FunctionDef> = {}
  for (const action of app.registry.list()) {
    const events = [...httpEvents(action, options), ...(await scheduleEvents(action))]
    if (events.length === 0) continue
    const key = options.router ? 'router' : action.path
    const fn = (functions[key] ??= { handler: options.handler, events: [] })
    if (!options.router && action.def.description) fn.description = action.def.description.slice(0, 256)
    fn.events.push(...events)
    const timeout = timeoutOf(action, options, warnings)
    if (timeout !== undefined) fn.timeout = Math.max(fn.timeout ?? 0, timeout)
  }
  // A REST API passes bytes on only for listed types; HTTP APIs and Function URLs need no list.
  const binary = options.api === 'rest' ? { apiGateway: { binaryMediaTypes: ['*/*'] } } : {}
  const provider = { name: 'aws', runtime: 'nodejs20.x', ...binary, environment: options.environment }
  return { doc: { service: options.service, provider, functions: readable(functions) }, warnings }
}

/** Each function's keys in the order a reader looks for them, the events last. */
function readable(functions: Record<string, FunctionDef>): Record<string, FunctionDef> {
  const out: Record<string, FunctionDef> = {}
  for (const [key, { handler, description, timeout, events }] of Object.entries(functions)) {
    out[key] = { handler, ...(description ? { description } : {}), ...(timeout === undefined ? {} : { timeout }), events }
  }
  return out
}

function httpEvents(action: CompiledAction, options: ServerlessOptions): Event[] {
  const path = `/actions/${action.path}`
  const methods = action.methods.length && options.cors ? [...action.methods, 'OPTIONS'] : action.methods
  return methods.map((method) => (options.api === 'rest' ? { http: { path, method: method.toLowerCase() } } : { httpApi: { path, method } }))
}

async function scheduleEvents(action: CompiledAction): Promise<Event[]> {
  const parsed = await parseSchedule(action)
  if (!parsed) return []
  const { expression, timezone } = awsSchedule(parsed)
  const input = parsed.input === undefined || isEmpty(parsed.input) ? { action: action.name } : { action: action.name, input: parsed.input }
  // A time zone needs EventBridge Scheduler; plain rules run in UTC.
  const where = timezone ? { method: 'scheduler', timezone } : {}
  return [{ schedule: { rate: [expression], ...where, input } }]
}

function isEmpty(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0
}

function timeoutOf(action: CompiledAction, options: ServerlessOptions, warnings: string[]): number | undefined {
  const ms = action.def.job?.timeoutMs
  if (ms === undefined) return undefined
  let seconds = Math.ceil(ms / 1000)
  if (seconds > MAX_TIMEOUT_S) {
    warnings.push(`action "${action.name}": job.timeoutMs is ${seconds} s; Lambda allows ${MAX_TIMEOUT_S} s, so the function's timeout is ${MAX_TIMEOUT_S}`)
    seconds = MAX_TIMEOUT_S
  }
  const gateway = GATEWAY_TIMEOUT_S[options.api]
  if (action.methods.length && seconds > gateway) {
    warnings.push(`action "${action.name}": timeout ${seconds} s, but API Gateway ends an HTTP request after ${gateway} s; submit it as a job or invoke it directly for longer runs`)
  }
  return seconds
}
