/** One line of `serval doctor`: what was checked, whether it is fine, and what to do when not. */
export interface CheckResult {
  /** `ok` passed, `fail` needs fixing, `skip` does not apply (a setting is unset). */
  readonly status: 'ok' | 'fail' | 'skip'
  /** What was found, e.g. `data_dir ./.serval is writable`. */
  readonly message: string
  /** What to do about a failure. */
  readonly fix?: string
}

/**
 * Builds check results.
 *
 * @example
 * ```ts
 * return failed('Redis at redis://127.0.0.1:1 is unreachable', 'start Redis there')
 * ```
 */
export const ok = (message: string): CheckResult => ({ status: 'ok', message })
export const skipped = (message: string): CheckResult => ({ status: 'skip', message })
export const failed = (message: string, fix: string): CheckResult => ({ status: 'fail', message, fix })

/** The message of anything thrown, with the system error under it (`fetch failed (ECONNREFUSED)`). */
export function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return reason(error.errors[0])
  const e = error as { detail?: unknown; message?: unknown; cause?: unknown } | undefined
  const text = typeof e?.detail === 'string' ? e.detail : typeof e?.message === 'string' ? e.message : String(error)
  const code = systemCode(e?.cause)
  return code && !text.includes(code) ? `${text} (${code})` : text
}

function systemCode(cause: unknown): string | undefined {
  if (cause instanceof AggregateError) return systemCode(cause.errors[0]) ?? (cause as { code?: string }).code
  const c = cause as { code?: unknown; message?: unknown } | undefined
  return typeof c?.code === 'string' ? c.code : typeof c?.message === 'string' ? c.message : undefined
}

/** Resolves with `promise`, or rejects after `ms` saying how long it waited. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
