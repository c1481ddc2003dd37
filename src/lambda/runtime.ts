import type { FastifyInstance } from 'fastify'
import type { App } from '../app/app.ts'

/**
 * One container's state: the app, built on the first event and then kept,
 * and the HTTP adapter, built on the first HTTP event (a function that only
 * gets direct invocations or schedules never loads Fastify). Concurrent
 * first events share one build; a failed build is forgotten, so the next
 * event tries again instead of the container answering errors forever.
 *
 * @example
 * ```ts
 * const runtime = new LambdaRuntime(() => loadLambdaApp({ dirs: ['actions'] }))
 * const app = await runtime.app()
 * ```
 */
export class LambdaRuntime {
  readonly #init: () => Promise<App>
  #app: Promise<App> | undefined
  #server: Promise<FastifyInstance> | undefined

  constructor(init: () => Promise<App>) {
    this.#init = init
  }

  /** The app, built once per container. */
  app(): Promise<App> {
    return (this.#app ??= forgetOnFailure(this.#init(), () => (this.#app = undefined)))
  }

  /** The HTTP adapter over the app, ready for `inject()`; never listens. */
  server(): Promise<FastifyInstance> {
    return (this.#server ??= forgetOnFailure(this.#buildServer(), () => (this.#server = undefined)))
  }

  async #buildServer(): Promise<FastifyInstance> {
    const app = await this.app()
    // Loaded here, not at the top: the adapter's import cost is paid only by functions that serve HTTP.
    const { buildHttpServer } = await import('../http/server.ts')
    const server = await buildHttpServer(app)
    await server.ready()
    return server
  }
}

function forgetOnFailure<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  promise.catch(forget)
  return promise
}
