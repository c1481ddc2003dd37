import type { ProblemIssue } from '../errors/index.ts'
import { settingDefs } from '../config/definitions.ts'

/** A log threshold, as `log_level` takes it. */
export type LogLevel = (typeof settingDefs.log_level.values)[number]

/**
 * What an operator changed at runtime (`PATCH /_sys/config`): only the
 * keys set differ from the startup settings. This is what `data_dir`
 * keeps, and what a merge patch applies to (`null` removes an override).
 *
 * @example
 * ```ts
 * const overrides: RuntimeOverrides = { log_level: 'warn', actions: { sayHello: { enabled: false } }, rate_limit: { max: 100 } }
 * ```
 */
export interface RuntimeOverrides {
  log_level?: LogLevel
  actions?: Record<string, { enabled?: boolean }>
  rate_limit?: { max?: number; window_s?: number }
}

/**
 * The effective runtime settings, as `GET /_sys/config` answers them:
 * every action is listed with its `enabled` state.
 *
 * @example
 * ```ts
 * const doc: RuntimeConfigDoc = { log_level: 'info', actions: { sayHello: { enabled: true } }, rate_limit: { max: 0, window_s: 60 } }
 * ```
 */
export interface RuntimeConfigDoc {
  log_level: LogLevel
  actions: Record<string, { enabled: boolean }>
  rate_limit: { max: number; window_s: number }
}

type Json = unknown
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * RFC 7396 JSON merge patch: objects merge key by key, `null` removes a
 * key, anything else replaces. Returns a new value; the target is not touched.
 *
 * @example
 * ```ts
 * mergePatch({ a: 1, b: { c: 2 } }, { a: null, b: { d: 3 } }) // { b: { c: 2, d: 3 } }
 * ```
 */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch
  const out: Record<string, Json> = isObject(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else out[key] = mergePatch(out[key], value)
  }
  return out
}

const LEVELS: readonly string[] = settingDefs.log_level.values
const WINDOW_MAX = settingDefs.rate_limit_window_s.max

/**
 * Every problem of an overrides document, each at its JSON Pointer: unknown
 * keys, unknown actions, values of the wrong type or range. Empty when the
 * document can be applied.
 *
 * @example
 * ```ts
 * overrideIssues({ log_level: 'loud' }, new Set(['sayHello'])) // [{ path: '/log_level', message: 'must be one of fatal, error, …' }]
 * ```
 */
export function overrideIssues(doc: Json, actions: ReadonlySet<string>): ProblemIssue[] {
  if (!isObject(doc)) return [{ path: '', message: 'must be a JSON object (a merge patch of the runtime settings)' }]
  const issues: ProblemIssue[] = []
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'log_level') {
      if (typeof value !== 'string' || !LEVELS.includes(value)) issues.push({ path: '/log_level', message: `must be one of ${LEVELS.join(', ')}` })
    } else if (key === 'actions') issues.push(...actionIssues(value, actions))
    else if (key === 'rate_limit') issues.push(...rateLimitIssues(value))
    else issues.push({ path: `/${pointer(key)}`, message: 'is not a runtime setting (log_level, actions, rate_limit)' })
  }
  return issues
}

function actionIssues(value: Json, actions: ReadonlySet<string>): ProblemIssue[] {
  if (!isObject(value)) return [{ path: '/actions', message: 'must be an object of action names' }]
  const issues: ProblemIssue[] = []
  for (const [name, entry] of Object.entries(value)) {
    const path = `/actions/${pointer(name)}`
    if (!actions.has(name)) issues.push({ path, message: `is not an action of this app` })
    else if (!isObject(entry)) issues.push({ path, message: 'must be an object like { "enabled": false }' })
    else issues.push(...fieldIssues(entry, path, { enabled: (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean') }))
  }
  return issues
}

function rateLimitIssues(value: Json): ProblemIssue[] {
  if (!isObject(value)) return [{ path: '/rate_limit', message: 'must be an object like { "max": 100, "window_s": 60 }' }]
  return fieldIssues(value, '/rate_limit', {
    max: (v) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be an integer ≥ 0 (0 = off)'),
    window_s: (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= WINDOW_MAX ? undefined : `must be an integer from 1 to ${WINDOW_MAX}`),
  })
}

function fieldIssues(value: Record<string, Json>, base: string, checks: Record<string, (v: Json) => string | undefined>): ProblemIssue[] {
  const issues: ProblemIssue[] = []
  for (const [key, v] of Object.entries(value)) {
    const check = checks[key]
    const message = check ? check(v) : `is not a setting here (${Object.keys(checks).join(', ')})`
    if (message !== undefined) issues.push({ path: `${base}/${pointer(key)}`, message })
  }
  return issues
}

/** Escapes one JSON Pointer segment (RFC 6901). */
function pointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1')
}

/**
 * Drops empty objects left after `null`s removed their last key, so the
 * stored document holds overrides only.
 *
 * @example
 * ```ts
 * prune({ actions: { a: {} }, rate_limit: {} }) // {}
 * ```
 */
export function prune(doc: RuntimeOverrides): RuntimeOverrides {
  const out: RuntimeOverrides = {}
  if (doc.log_level !== undefined) out.log_level = doc.log_level
  const actions = Object.entries(doc.actions ?? {}).filter(([, v]) => v.enabled !== undefined)
  if (actions.length > 0) out.actions = Object.fromEntries(actions)
  if (doc.rate_limit && Object.keys(doc.rate_limit).length > 0) out.rate_limit = { ...doc.rate_limit }
  return out
}
