import { releaseYoungGeneration } from '../../internal/young-generation.ts'
import { createLogger } from '../../ops/logger.ts'
import { serve, type RunningServer } from '../../http/listen.ts'
import { openResources } from '../../resources/index.ts'
import { functionDirs, settingsFor } from '../context.ts'

/**
 * `serval serve [DIR...]`: discovers, compiles and serves; drains on
 * SIGTERM/SIGINT and resolves with the exit code.
 */
export async function serveCommand(dirs: string[], opts: Record<string, unknown>, force: { dev_mode?: boolean } = {}): Promise<number> {
  const started = performance.now()
  const { settings } = await settingsFor(opts, force, dirs)
  const checked = functionDirs(dirs, settings)
  const logger = createLogger(settings)
  const running = await serve({ settings, dirs: checked, logger })
  const app = running.app
  logger.info(
    { url: running.url, actions: app.registry.size, dirs: app.settings.function_dirs, startupMs: Math.round(performance.now() - started) },
    `Serval listening on ${running.url} (${app.registry.size} actions; docs at ${running.url}/docs)`,
  )
  if (settings.dev_mode) logger.warn('dev mode: error details are sent to clients; do not use in production')
  releaseYoungGeneration()
  const stopped = waitForSignal(running)
  await whenResourcesOpen(running)
  return stopped
}

/** Resources open while the server listens; one that fails stops the server, and the command exits 1 naming it. */
async function whenResourcesOpen(running: RunningServer): Promise<void> {
  try {
    await openResources(running.app)
  } catch (error) {
    if (running.app.draining) return // a signal stopped the server while they opened
    running.app.logger.error({ err: error }, (error as Error).message)
    await running.close()
    throw error
  }
}

/** Resolves with the exit code once SIGTERM/SIGINT has drained and closed the server. */
export function waitForSignal(running: Pick<RunningServer, 'app' | 'close'>): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop).off('SIGINT', stop)
      running.app.logger.info({ signal }, 'shutting down: draining in-flight requests')
      running.close().then(
        () => resolve(0),
        (error: unknown) => {
          running.app.logger.error({ err: error }, 'shutdown failed')
          resolve(1)
        },
      )
    }
    process.on('SIGTERM', stop).on('SIGINT', stop)
  })
}
