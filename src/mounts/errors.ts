import { ServalError } from '../errors/index.ts'

/** One failing place in a request body, as a JSON Pointer. */
export interface IssueLike {
  readonly path: string
  readonly message: string
}

/**
 * A 422 for a deploy body: every issue, the first one as the detail.
 *
 * @example
 * ```ts
 * throw invalidMount([{ path: '/prefix', message: 'must be a path like /billing' }])
 * ```
 */
export function invalidMount(issues: readonly IssueLike[]): ServalError {
  const first = issues[0]
  return new ServalError('invalid-input', { detail: first ? `${first.path || 'the body'}: ${first.message}` : 'Invalid mount', errors: issues.map((i) => ({ ...i })) })
}
