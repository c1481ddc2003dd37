import type { FastifyInstance } from 'fastify'
import { buildHttpServer, createApp, type ActionSource, type AnyAction, type App, type Settings } from 'serval'

/** An app and its HTTP server, in-process (`inject`), without listening. */
export interface HttpApp {
  readonly app: App
  readonly server: FastifyInstance
  close(): Promise<void>
}

/**
 * Builds an app from actions given by name and its Fastify server, quiet.
 *
 * @example
 * ```ts
 * const h = await httpApp({ echo })
 * const res = await h.server.inject({ method: 'POST', url: '/actions/echo', payload: {} })
 * await h.close()
 * ```
 */
export async function httpApp(actions: Record<string, AnyAction>, settings: Partial<Settings> = {}): Promise<HttpApp> {
  const sources: ActionSource[] = Object.entries(actions).map(([exportName, action]) => ({ action, exportName }))
  const app = await createApp({ actions: sources, settings: { log_level: 'silent', ...settings } })
  const server = await buildHttpServer(app, { docs: false })
  await server.ready()
  return {
    app,
    server,
    close: async () => {
      await server.close()
      await app.close()
    },
  }
}
