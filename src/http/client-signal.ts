import type { FastifyReply } from 'fastify'
import type { App } from '../app/app.ts'
import { ServalError } from '../errors/index.ts'

/**
 * Aborts when the client goes away before the response is complete, or on shutdown.
 *
 * @example
 * ```ts
 * const signal = clientSignal(app, reply) // made only when a handler asks for it
 * ```
 */
export function clientSignal(app: App, reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new ServalError('unavailable', { detail: 'The client closed the connection', publicDetail: true }))
  })
  return AbortSignal.any([controller.signal, app.shutdownSignal])
}
