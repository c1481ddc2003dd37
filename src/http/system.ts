import { createRequire } from 'node:module'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { App } from '../app/app.ts'
import { ADMIN_SCOPE } from '../auth/principal.ts'
import { ServalError } from '../errors/index.ts'
import { sendProblem } from './problem-reply.ts'
import { requestCaller } from './security/credentials.ts'

const pkg = createRequire(import.meta.url)('../../package.json') as { name: string; version: string }


/** `/_sys/health`, `/_sys/ready` and `/_sys/info`. */
export function registerSystemRoutes(server: FastifyInstance, app: App, state: { listening: boolean }): void {
  server.get('/_sys/health', async () => ({ status: 'ok' }))
  server.get('/_sys/ready', async (request, reply) => {
    if (!state.listening || app.draining) {
      return sendProblem(app, request, reply, new ServalError('unavailable', { detail: app.draining ? 'Draining' : 'Starting', publicDetail: true }))
    }
    const unhealthy = await unhealthyReason(app)
    if (unhealthy !== undefined) return sendProblem(app, request, reply, new ServalError('unavailable', { detail: app.settings.dev_mode ? unhealthy : 'Not ready', publicDetail: true }))
    return { status: 'ready' }
  })
  server.get('/_sys/info', async (request, reply) => {
    try {
      return serverInfo(app, { internals: await mayReadInternals(app, request) })
    } catch (error) {
      return sendProblem(app, request, reply, error)
    }
  })
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
 * Dev mode, or a verified principal with the `serval:admin` scope. A
 * token that is sent is checked (a bad one is a 401, as everywhere);
 * without one the caller sees the public facts.
 */
async function mayReadInternals(app: App, request: FastifyRequest): Promise<boolean> {
  if (app.settings.dev_mode) return true
  return (await requestCaller(app, request))?.scopes.includes(ADMIN_SCOPE) ?? false
}

/** What `serverInfo` shows. */
export interface InfoOptions {
  /** Add what only operators should see: dev mode, action files, each capability's state (data dir, Redis, queues). */
  readonly internals?: boolean
}

/**
 * What `/_sys/info` answers: the public facts (name, version,
 * functionsVersion, Node version, uptime, the actions), and with
 * `internals` the operator's view.
 *
 * @example
 * ```ts
 * serverInfo(app).actions[0].name // 'sayHello'
 * serverInfo(app, { internals: true }).jobs // { mode: 'embedded', dataDir: '…', … }
 * ```
 */
export function serverInfo(app: App, options: InfoOptions = {}): Record<string, unknown> {
  const internals = options.internals === true
  const info: Record<string, unknown> = {
    name: pkg.name,
    version: pkg.version,
    functionsVersion: app.functionsVersion,
    node: process.version,
    uptimeS: Math.round((Date.now() - app.startedAt) / 100) / 10,
    actions: app.registry.list().map((a) => ({
      name: a.name,
      path: `/actions/${a.path}`,
      methods: a.methods,
      streaming: a.streaming,
      ...(a.def.description ? { description: a.def.description } : {}),
      ...(internals && a.file ? { file: a.file } : {}),
    })),
  }
  if (!internals) return info
  info.devMode = app.settings.dev_mode
  for (const ext of app.extensions) Object.assign(info, ext.info?.(app))
  return info
}
