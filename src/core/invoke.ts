import type { Logger } from 'pino'
import type { Principal } from '../auth/principal.ts'
import type { Resources } from '../action/types.ts'
import { isRedirect } from '../action/redirect.ts'
import { invalidOutput, type Validated } from '../schema/index.ts'
import { Context, type Invocation } from './context.ts'
import { InputRefusal, raiseRefusal } from './refusal.ts'
import type { CompiledAction } from './registry.ts'
import type { Security } from './security.ts'
import { assertEnabled, type ActionSwitch } from './switch.ts'

/** What the pipeline needs from the app: the same for every transport. */
export interface PipelineDeps {
  readonly security: Security
  readonly logger: Logger
  readonly resources: Resources
  /** Check outputs against their schema (the `validate_output` setting); default true. */
  readonly validateOutput?: boolean
  /** The result cache step (src/cache), present when some action has `cache`. */
  readonly resultCache?: ResultCache
  /** Actions switched off at runtime (`PATCH /_sys/config`): they answer 503 `action-disabled`. */
  readonly actionSwitch?: ActionSwitch
  /** The tracing step (src/tracing), present unless the `tracing` setting is off. */
  readonly tracing?: Tracing
}

/**
 * The tracing step as the pipeline sees it: `run` wraps one invocation in
 * a span and hands the body the trace id it belongs to (for `ctx.traceId`).
 *
 * @example
 * ```ts
 * const out = tracing.recording() ? await tracing.run(action, inv, (traceId) => pipeline(traceId)) : await pipeline(tracing.traceIdOf(inv))
 * ```
 */
export interface Tracing {
  /** Whether a call would be recorded now: when not, the pipeline runs without the step (no span, no closure). */
  recording(): boolean
  /** The trace an unrecorded call belongs to: its remote parent's (`inv.traceparent`), if any. */
  traceIdOf(inv: Invocation): string | undefined
  run(action: CompiledAction, inv: Invocation, body: (traceId: string | undefined) => Promise<unknown>): Promise<unknown>
}

/**
 * The result cache as the pipeline sees it: `run` answers from the cache or
 * calls `compute` (the handler + output check) once per key at a time. It
 * returns a promise only when it must wait (a fresh entry in memory is
 * answered synchronously).
 *
 * @example
 * ```ts
 * const out = await deps.resultCache?.run(action, input, principal, inv, () => handler())
 * ```
 */
export interface ResultCache {
  run(action: CompiledAction, input: unknown, principal: Principal | null, inv: Invocation, compute: () => unknown): unknown
  /**
   * The fresh entry in memory that `inv.inputKey` led to the last time it was
   * validated, answered as `run` would; `NOT_IN_MEMORY` when there is none.
   */
  peekInput?(action: CompiledAction, inv: Invocation & { inputKey: string }): unknown
  close(): Promise<void>
}

/** `ResultCache.peekInput`'s answer when nothing in memory stands for the input. */
export const NOT_IN_MEMORY: unique symbol = Symbol('serval.notInMemory')

/**
 * The invocation pipeline every transport calls: authenticate → validate →
 * authorize → handler → check output. Returns the checked output (for a
 * streaming handler, an async iterable of checked items). Errors are thrown
 * as `ServalError`s or whatever the handler threw (invalid input included:
 * `invalid-input`, 422); transports normalise them with `toProblem`.
 *
 * @example
 * ```ts
 * const out = await invoke(deps, registry.get('add')!, { a: 1, b: 2 }, { requestId: 'r1', trigger: 'direct' })
 * ```
 */
export function invoke(deps: PipelineDeps, action: CompiledAction, rawInput: unknown, inv: Invocation): Promise<unknown> {
  try {
    const out = execute(deps, action, rawInput, inv)
    if (out instanceof Promise) return out
    return out instanceof InputRefusal ? Promise.reject(out.error()) : Promise.resolve(out)
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * The same pipeline as `invoke`, for a transport's hot path: the output
 * itself when every step was synchronous (open security, a compiled
 * validator, a sync handler, a fresh cache entry), else a promise of it.
 * Errors of a synchronous step are thrown, not returned as a rejection.
 * An input its synchronous validator refused is returned as an
 * `InputRefusal`, not thrown: the 422 is an answer, and needs no Error.
 * A request that needs no promise makes none.
 *
 * @example
 * ```ts
 * const out = execute(deps, action, input, inv)
 * if (out instanceof InputRefusal) return send422(out.issues)
 * return out instanceof Promise ? out.then(send, fail) : send(out)
 * ```
 */
export function execute(deps: PipelineDeps, action: CompiledAction, rawInput: unknown, inv: Invocation): unknown {
  // One property read when tracing is off, one check while nothing records; otherwise the span wraps every step, auth included.
  const tracing = deps.tracing
  if (tracing === undefined) return pipeline(deps, action, rawInput, inv, undefined)
  if (!tracing.recording()) return pipeline(deps, action, rawInput, inv, inv.traceparent === undefined ? undefined : tracing.traceIdOf(inv))
  // The span sees a refusal as the error it is.
  return tracing.run(action, inv, async (traceId) => raiseRefusal(pipeline(deps, action, rawInput, inv, traceId)))
}

// Each step continues synchronously when the one before returned a value,
// and through `then` only when it returned a promise. A refused input is
// returned (an `InputRefusal`) while every step so far was synchronous, and
// thrown inside a `then`, so a promise never resolves to a refusal.
function pipeline(deps: PipelineDeps, action: CompiledAction, rawInput: unknown, inv: Invocation, traceId: string | undefined): unknown {
  assertEnabled(deps.actionSwitch, action) // one property read while every action is on
  const principal = inv.principal !== undefined ? inv.principal : deps.security.authenticate(action, inv.credentials)
  if (principal instanceof Promise) return principal.then((p: Principal | null) => raiseRefusal(validated(deps, action, rawInput, inv, traceId, p)))
  return validated(deps, action, rawInput, inv, traceId, principal)
}

function validated(deps: PipelineDeps, action: CompiledAction, rawInput: unknown, inv: Invocation, traceId: string | undefined, principal: Principal | null): unknown {
  // A repeated GET of a cached action, without auth rules that read the input: the text that was validated
  // to a key before leads to its entry, with no coercing, validating or keying again.
  const cache = deps.resultCache
  if (inv.inputKey !== undefined && action.cache !== undefined && cache?.peekInput !== undefined && principal === null && deps.security.open && inv.noCache !== true && inv.varies === undefined) {
    const hit = cache.peekInput(action, inv as Invocation & { inputKey: string })
    if (hit !== NOT_IN_MEMORY) return hit
  }
  const input = inv.textInput === true ? action.coerceQuery(rawInput as Record<string, unknown>) : rawInput
  const checked = action.input.validate(input === undefined ? {} : input)
  if (checked instanceof Promise) return checked.then((c: Validated) => raiseRefusal(authorized(deps, action, inv, traceId, principal, c)))
  return authorized(deps, action, inv, traceId, principal, checked)
}

function authorized(deps: PipelineDeps, action: CompiledAction, inv: Invocation, traceId: string | undefined, principal: Principal | null, checked: Validated): unknown {
  if (!checked.ok) return new InputRefusal(checked.issues)
  const value = checked.value
  if (deps.security.open) return handled(deps, action, inv, traceId, principal, value)
  const allowed = deps.security.authorize(action, principal, value)
  return allowed instanceof Promise ? allowed.then(() => handled(deps, action, inv, traceId, principal, value)) : handled(deps, action, inv, traceId, principal, value)
}

function handled(deps: PipelineDeps, action: CompiledAction, inv: Invocation, traceId: string | undefined, principal: Principal | null, value: unknown): unknown {
  // Decided per action at startup: an action without `cache` pays one property read.
  if (action.cache !== undefined && deps.resultCache !== undefined && inv.noCache !== true) {
    return deps.resultCache.run(action, value, principal, inv, () => runHandler(deps, action, value, principal, inv, traceId))
  }
  return runHandler(deps, action, value, principal, inv, traceId)
}

/** The handler and its output check; a promise only when one of them is async. */
function runHandler(deps: PipelineDeps, action: CompiledAction, value: unknown, principal: Principal | null, inv: Invocation, traceId: string | undefined): unknown {
  const ctx = new Context(action.name, inv, principal, deps.logger, deps.resources, traceId)
  const result = action.action.handler(value, ctx)
  return result instanceof Promise ? result.then((r: unknown) => settleResult(deps, action, r)) : settleResult(deps, action, result)
}

function settleResult(deps: PipelineDeps, action: CompiledAction, result: unknown): unknown {
  if (isStream(result)) return checkStream(action, result, deps.validateOutput !== false)
  // A redirect is an answer about where to go, not an output: the schema does not describe it.
  return deps.validateOutput === false || isRedirect(result) ? result : checkOutput(action, result)
}

/**
 * Checks one output value against the action's schema; a mismatch is a 500,
 * never sent. Returns the value itself when the check is synchronous.
 */
export function checkOutput(action: CompiledAction, value: unknown): unknown {
  if (action.output === undefined || value === undefined) return value
  const checked = action.output.validate(value)
  return checked instanceof Promise ? checked.then(settleOutput) : settleOutput(checked)
}

function settleOutput(checked: Validated): unknown {
  if (!checked.ok) throw invalidOutput(checked.issues)
  return checked.value
}

/** True for an async iterable that is a stream of items (not a binary body). */
export function isStream(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Symbol.asyncIterator in value &&
    !(typeof ReadableStream !== 'undefined' && value instanceof ReadableStream)
  )
}

async function* checkStream(action: CompiledAction, items: AsyncIterable<unknown>, check: boolean): AsyncGenerator<unknown> {
  for await (const item of items) yield check ? await checkOutput(action, item) : item
}

