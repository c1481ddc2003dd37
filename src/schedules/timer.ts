/** The longest delay one `setTimeout` takes; past it Node fires after 1 ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/**
 * Calls `fn` at time `at` (ms since the epoch), however far away: a wait
 * longer than a timer allows (about 24.8 days) is a chain of timers.
 * An overdue `at` runs on the next turn, never synchronously. The timers
 * are unref'd. Returns the cancel function.
 *
 * @example
 * ```ts
 * const cancel = runAt(Date.now() + 30 * 86_400_000, () => tick())
 * cancel()
 * ```
 */
export function runAt(at: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    const wait = at - Date.now()
    // Never calls fn synchronously: an overdue time runs on the next turn.
    timer = wait > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(fn, Math.max(0, wait))
    timer.unref()
  }
  arm()
  return () => clearTimeout(timer)
}
