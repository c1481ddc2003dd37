import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'
import type { App } from '../app/app.ts'
import { ServalError } from '../errors/index.ts'
import { sendProblem } from './problem-reply.ts'

const pkg = createRequire(import.meta.url)('../../package.json') as { name: string; version: string }

/** `/_sys/health`, `/_sys/ready` and `/_sys/info`. */
export function registerSystemRoutes(server: FastifyInstance, app: App, state: { listening: boolean }): void {
  server.get('/_sys/health', async () => ({ status: 'ok' }))
  server.get('/_sys/ready', async (request, reply) => {
    if (!state.listening || app.draining) {
      return sendProblem(app, request, reply, new ServalError('unavailable', { detail: app.draining ? 'Draining' : 'Starting' }))
    }
    const unhealthy = await unhealthyReason(app)
    if (unhealthy !== undefined) return sendProblem(app, request, reply, new ServalError('unavailable', { detail: app.settings.dev_mode ? unhealthy : 'Not ready' }))
    return { status: 'ready' }
  })
  server.get('/_sys/info', async () => serverInfo(app))
}

/** Why a capability cannot serve now (its `health` hook said no, or threw), or undefined when all can. */
async function unhealthyReason(app: App): Promise<string | undefined> {
  const checks = app.extensions.filter((ext) => ext.health).map(async (ext) => {
    const health = await Promise.resolve(ext.health!(app)).catch((error: unknown) => ({ ok: false, reason: (error as Error).message }))
    return health.ok ? undefined : `${ext.name}: ${health.reason ?? 'unavailable'}`
  })
  return (await Promise.all(checks)).find((reason) => reason !== undefined)
}

/**
 * What `/_sys/info` answers.
 *
 * @example
 * ```ts
 * serverInfo(app).actions[0].name // 'sayHello'
 * ```
 */
export function serverInfo(app: App): Record<string, unknown> {
  const info: Record<string, unknown> = {
    name: pkg.name,
    version: pkg.version,
    functionsVersion: app.functionsVersion,
    node: process.version,
    uptimeS: Math.round((Date.now() - app.startedAt) / 100) / 10,
    devMode: app.settings.dev_mode,
    actions: app.registry.list().map((a) => ({
      name: a.name,
      path: `/actions/${a.path}`,
      methods: a.methods,
      streaming: a.streaming,
      ...(a.def.description ? { description: a.def.description } : {}),
      ...(a.file ? { file: a.file } : {}),
    })),
  }
  for (const ext of app.extensions) Object.assign(info, ext.info?.(app))
  return info
}
