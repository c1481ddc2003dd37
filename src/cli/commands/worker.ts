import { createLogger } from '../../ops/logger.ts'
import type { App } from '../../app/app.ts'
import { loadApp } from '../../app/load.ts'
import { redact } from '../../jobs/redis/index.ts'
import { openResources } from '../../resources/index.ts'
import { CliExit, EXIT, functionDirs, settingsFor } from '../context.ts'
import { releaseYoungGeneration } from '../../internal/young-generation.ts'

/**
 * `serval worker [DIR...]`: runs jobs and schedule ticks from Redis
 * (BullMQ), `workers` at once in all, until SIGTERM/SIGINT; running jobs
 * then go back to the queue for another worker.
 *
 * @example
 * ```ts
 * process.exitCode = await workerCommand(['actions'], { redisUrl: 'redis://127.0.0.1:6379', workers: '8' })
 * ```
 */
export async function workerCommand(dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const { settings } = await settingsFor(opts)
  if (!settings.redis_url) {
    throw new CliExit(EXIT.usage, 'serval worker needs redis_url (--redis-url or SERVAL_REDIS_URL); without Redis, jobs run inside serval serve')
  }
  if (settings.workers < 1) throw new CliExit(EXIT.usage, '--workers: serval worker needs at least 1')
  const checked = functionDirs(dirs, settings)
  const logger = createLogger(settings)
  const app = await loadApp({ settings, dirs: checked, logger })
  try {
    // Every capability starts serving as under `serval serve` (jobs: workers; schedules: their ticks).
    // No readiness to wait behind here: resources open before any job can run.
    await openResources(app)
    for (const ext of app.extensions) await ext.serve?.(app)
  } catch (error) {
    await app.close()
    throw error
  }
  logger.info({ workers: settings.workers, redis: redact(settings.redis_url), actions: app.registry.size }, `Serval worker running up to ${settings.workers} jobs at once`)
  releaseYoungGeneration()
  return untilSignal(app)
}

function untilSignal(app: App): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop).off('SIGINT', stop)
      app.logger.info({ signal }, 'worker stopping: running jobs go back to the queue')
      app.close().then(
        () => resolve(EXIT.ok),
        (error: unknown) => {
          app.logger.error({ err: error }, 'worker shutdown failed')
          resolve(EXIT.failed)
        },
      )
    }
    process.on('SIGTERM', stop).on('SIGINT', stop)
  })
}
