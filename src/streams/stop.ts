import type { ServerResponse } from 'node:http'
import type { App } from '../app/app.ts'

/** Why a stream stopped before its generator finished. */
export type StopReason = 'client' | 'shutdown'

/**
 * Knows when the client went away or the server began shutting down.
 * One waiter at a time (`wait` replaces the previous one): racing every item
 * against one long-lived promise would pile a reaction onto it per item.
 */
export interface StopWatch {
  readonly reason: StopReason | undefined
  /** Calls `fn` once on stop (at once if already stopped); replaces the previous waiter. */
  wait(fn: () => void): void
  dispose(): void
}

/**
 * Watches a response for the two things that end a stream early: the
 * client closing the connection, and shutdown.
 *
 * @example
 * ```ts
 * const stop = watchStop(app, reply.raw)
 * stop.wait(() => console.log('stopped:', stop.reason))
 * stop.dispose()
 * ```
 */
export function watchStop(app: App, res: ServerResponse): StopWatch {
  let reason: StopReason | undefined
  let waiter: (() => void) | undefined
  const settle = (why: StopReason) => {
    if (reason) return
    reason = why
    waiter?.()
    waiter = undefined
  }
  const onClose = () => {
    if (!res.writableFinished) settle('client')
  }
  const onShutdown = () => settle('shutdown')
  res.once('close', onClose)
  app.shutdownSignal.addEventListener('abort', onShutdown, { once: true })
  if (app.shutdownSignal.aborted) onShutdown()
  return {
    get reason() {
      return reason
    },
    wait(fn) {
      if (reason) return fn()
      waiter = fn
    },
    dispose() {
      waiter = undefined
      res.off('close', onClose)
      app.shutdownSignal.removeEventListener('abort', onShutdown)
    },
  }
}
