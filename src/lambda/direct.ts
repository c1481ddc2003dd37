import type { ScheduledEvent } from 'aws-lambda'
import { problemFor } from '../app/problem.ts'
import type { App } from '../app/app.ts'
import type { Invocation } from '../core/context.ts'
import type { CompiledAction } from '../core/registry.ts'
import { ServalError, type Problem } from '../errors/index.ts'
import { directOutput, type DirectOutput } from './output.ts'

/** A direct invocation's answer: the output, or the problem the server would have sent. */
export type DirectResult = DirectOutput | { readonly error: Problem }

/** What a direct invocation may carry. */
const FIELDS = new Set(['action', 'input', 'authorization'])

/** One call's identity and signal, from the Lambda context. */
export interface CallInfo {
  readonly requestId: string
  readonly signal: () => AbortSignal
}

/**
 * Runs `{ action, input, authorization? }` through the app's pipeline.
 * With `authorization` (a bearer token, with or without the `Bearer `
 * prefix) the token is verified and the action's access rules apply to
 * its principal; without it the caller is trusted, as with `serval run`:
 * invoking the function at all takes IAM's `lambda:InvokeFunction`.
 *
 * @example
 * ```ts
 * await runDirect(app, { action: 'sayHello', input: { name: 'x' } }, call) // { output: 'Hello x!' }
 * ```
 */
export async function runDirect(app: App, event: unknown, call: CallInfo): Promise<DirectResult> {
  let name = '(unknown)'
  try {
    const { action, input, authorization } = readInvocation(event)
    name = action
    const found = findAction(app, action)
    return await directOutput(found, await app.invoke(found, input, invocation(call, 'lambda', authorization)))
  } catch (error) {
    return { error: problemOf(app, error, name, call.requestId) }
  }
}

/**
 * Runs a list of direct invocations one after the other and answers in
 * the same order; one failure is that entry's `{ error }` only.
 *
 * @example
 * ```ts
 * await runBatch(app, [{ action: 'add', input: { a: 1, b: 2 } }, { action: 'nope' }], call) // [{ output: … }, { error: … }]
 * ```
 */
export async function runBatch(app: App, events: readonly unknown[], call: CallInfo): Promise<DirectResult[]> {
  const results: DirectResult[] = []
  // In order, not in parallel: a batch that writes then reads must see its own writes.
  for (const [i, event] of events.entries()) {
    results.push(Array.isArray(event) ? { error: notADirectInvocation(app, call, 'a batch entry is itself a list') } : await runDirect(app, event, { ...call, requestId: `${call.requestId}:${i}` }))
  }
  return results
}

/**
 * Runs the one scheduled action of the app for a raw EventBridge Scheduled
 * Event (as a schedule runs: trusted, with the schedule's input). Several
 * scheduled actions, or none, is a clear error: `serval sls` sends
 * `{ action }` instead, which arrives as a direct invocation.
 *
 * @example
 * ```ts
 * await runScheduled(app, scheduledEvent, call) // { output: { count: 1 } }
 * ```
 */
export async function runScheduled(app: App, _event: ScheduledEvent, call: CallInfo): Promise<DirectResult> {
  const scheduled = app.registry.list().filter((a) => a.def.schedule !== undefined)
  const only = scheduled[0]
  if (scheduled.length !== 1 || !only) {
    const names = scheduled.map((a) => a.name).join(', ') || 'none'
    const detail = `A raw Scheduled Event runs the function's scheduled action when it has exactly one; it has ${scheduled.length} (${names}). Give the rule an input of { "action": "<name>" }, as serval sls does.`
    return { error: problemOf(app, new ServalError('bad-request', { title: 'Ambiguous scheduled event', detail }), 'schedule', call.requestId) }
  }
  try {
    const input = (only.def.schedule as { input?: unknown }).input
    return await directOutput(only, await app.invoke(only, input, invocation(call, 'schedule', undefined)))
  } catch (error) {
    return { error: problemOf(app, error, only.name, call.requestId) }
  }
}

/**
 * The problem for an event of no known kind.
 *
 * @example
 * ```ts
 * notADirectInvocation(app, call, 'got a string') // { status: 400, title: 'Unrecognised event', … }
 * ```
 */
export function notADirectInvocation(app: App, call: CallInfo, what: string): Problem {
  const detail = `Unrecognised event (${what}): expected an API Gateway REST, HTTP API or Function URL event, { "action", "input", "authorization" } or a list of them, or an EventBridge Scheduled Event`
  return problemOf(app, new ServalError('bad-request', { title: 'Unrecognised event', detail }), 'event', call.requestId)
}

function readInvocation(event: unknown): { action: string; input: unknown; authorization: string | undefined } {
  const bad = (detail: string): never => {
    throw new ServalError('bad-request', { title: 'Invalid direct invocation', detail })
  }
  if (typeof event !== 'object' || event === null) return bad('A direct invocation is an object { "action", "input", "authorization" }')
  const e = event as Record<string, unknown>
  for (const key of Object.keys(e)) if (!FIELDS.has(key)) bad(`Unknown field "${key}" (a direct invocation has action, input and authorization)`)
  if (typeof e.action !== 'string' || e.action === '') bad('"action" must be an action name, e.g. "sayHello"')
  if (e.authorization !== undefined && typeof e.authorization !== 'string') bad('"authorization" must be a bearer token')
  return { action: e.action as string, input: e.input, authorization: e.authorization as string | undefined }
}

function findAction(app: App, name: string): CompiledAction {
  const action = app.registry.get(name)
  if (!action) throw new ServalError('not-found', { detail: `No action named "${name}"` })
  return action
}

function invocation(call: CallInfo, trigger: 'lambda' | 'schedule', authorization: string | undefined): Invocation {
  const base = { requestId: call.requestId, trigger, signal: call.signal }
  if (authorization === undefined) return { ...base, principal: null }
  return { ...base, credentials: { authorization: /^bearer /i.test(authorization) ? authorization : `Bearer ${authorization}` } }
}

function problemOf(app: App, error: unknown, name: string, requestId: string): Problem {
  return problemFor(app, error, { instance: `lambda:${name}`, requestId })
}
