import type { ProblemIssue, ServalError } from '../errors/index.ts'
import { invalidInput } from '../schema/index.ts'

/**
 * The pipeline's refusal of an input that breaks the action's schema, as a
 * value. `execute` returns it on its synchronous path instead of throwing,
 * so a transport's hot path answers the 422 with no Error made and no stack
 * unwound (the two were most of what a 422 cost). It is never the value of
 * a promise: where a step before validation was asynchronous, the refusal
 * is thrown as `error()`, and `invoke` rejects with that same error, so
 * every other transport still catches one `ServalError`.
 *
 * @example
 * ```ts
 * const out = execute(deps, action, input, inv)
 * if (out instanceof InputRefusal) return send422(invalidInputProblem(out.issues, where))
 * ```
 */
export class InputRefusal {
  /** Every failing path, as the validator reported them. */
  readonly issues: ProblemIssue[]

  constructor(issues: ProblemIssue[]) {
    this.issues = issues
  }

  /** The same refusal as the error every transport catches: `invalid-input`, 422. */
  error(): ServalError {
    return invalidInput(this.issues)
  }
}

/**
 * Throws a refusal as its error and passes anything else through: used
 * where a pipeline's result becomes a promise's value, which must never be
 * a refusal.
 *
 * @example
 * ```ts
 * principal.then((p) => raiseRefusal(validated(deps, action, rawInput, inv, traceId, p)))
 * ```
 */
export function raiseRefusal(out: unknown): unknown {
  if (out instanceof InputRefusal) throw out.error()
  return out
}
