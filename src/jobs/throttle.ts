/**
 * Calls `fn` at most once per `ms`, always delivering the last value (a
 * trailing call), so a handler reporting progress in a tight loop costs
 * a few writes, not one per call.
 *
 * @example
 * ```ts
 * const report = throttle((p: number) => job.updateProgress(p), 100)
 * for (let i = 0; i < 1e6; i++) report(i / 1e6)
 * ```
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => unknown, ms: number): ((...args: A) => void) & { flush(): void } {
  let last = 0
  let pending: A | undefined
  let timer: NodeJS.Timeout | undefined
  const fire = () => {
    timer = undefined
    if (!pending) return
    const args = pending
    pending = undefined
    last = Date.now()
    fn(...args)
  }
  const call = (...args: A) => {
    pending = args
    const wait = last + ms - Date.now()
    if (wait <= 0) fire()
    else timer ??= setTimeout(fire, wait)
  }
  return Object.assign(call, {
    flush: () => {
      clearTimeout(timer)
      fire()
    },
  })
}
