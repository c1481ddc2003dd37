import type { FastifyInstance } from 'fastify'
import type { App } from './app.ts'

/**
 * A capability plugged into the app (jobs, schedules, auth…): one object,
 * no change to the core. Every hook is optional.
 *
 * @example
 * ```ts
 * const hello: Extension = { name: 'hello', http: (f) => { f.get('/hello', async () => 'hi') } }
 * ```
 */
export interface Extension {
  readonly name: string
  /** Runs once the registry is built, before the server listens. */
  start?(app: App): void | Promise<void>
  /** Adds routes to the HTTP server. */
  http?(server: FastifyInstance, app: App): void | Promise<void>
  /** Adds to the OpenAPI document (paths, components, security). */
  openapi?(doc: Record<string, any>, app: App): void
  /** Adds to `/_sys/info`. */
  info?(app: App): Record<string, unknown>
  /** Whether this capability can serve now: `/_sys/ready` is 503 while any says no (`reason` in dev mode only). */
  health?(app: App): { ok: boolean; reason?: string } | Promise<{ ok: boolean; reason?: string }>
  /** Runs on shutdown, after the server stops accepting requests. */
  stop?(app: App): void | Promise<void>
}
