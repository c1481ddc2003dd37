import type { App } from '../app/app.ts'
import type { Extension } from '../app/extension.ts'
import { isLockedError } from './embedded/lock.ts'
import { jobRoutes } from './routes.ts'
import { addJobPaths } from './openapi.ts'
import { jobOptions } from './options.ts'
import { jobsOf } from './service.ts'

/** How often a process whose data_dir is locked by another tries again. */
const LOCK_RETRY_MS = 1000

/**
 * The jobs capability: `/jobs` routes (transport-free), OpenAPI paths,
 * `/_sys/info`, and workers. Job options are checked at startup. Workers start with the HTTP
 * server (or `serval worker`), never in one-shot commands such as
 * `serval run` or `serval openapi`.
 *
 * @example
 * ```ts
 * const app = await createApp({ actions, extensions: [jobsExtension()] })
 * ```
 */
export function jobsExtension(): Extension {
  return {
    name: 'jobs',
    start(app) {
      for (const action of app.registry.list()) jobOptions(action, app.settings)
    },
    routes: (app) => jobRoutes(app),
    serve: (app) => startJobWorkers(app),
    openapi: (doc, app) => addJobPaths(doc, app),
    info: (app) => ({ jobs: jobsOf(app).info() }),
    health: (app) => jobsOf(app).health(),
    stop: (app) => jobsOf(app).close(),
  }
}

/**
 * Starts this process's job workers (`workers` setting; 0 = none). When
 * another process holds the embedded store, jobs answer 503 and this
 * process retries in the background, taking over once the other exits.
 *
 * @example
 * ```ts
 * await startJobWorkers(app)
 * ```
 */
export async function startJobWorkers(app: App): Promise<void> {
  const workers = app.settings.workers
  if (workers === 0) return void app.logger.info('workers=0: this process submits and reads jobs but runs none')
  try {
    await jobsOf(app).work({ workers })
  } catch (error) {
    if (!isLockedError(error)) throw error
    app.logger.warn({ err: error }, 'jobs are unavailable until the other process releases the data_dir')
    retryInBackground(app, workers)
  }
}

function retryInBackground(app: App, workers: number): void {
  const timer = setInterval(() => {
    jobsOf(app)
      .work({ workers })
      .then(
        () => {
          clearInterval(timer)
          app.logger.info('took over the job store: jobs are available')
        },
        () => undefined,
      )
  }, LOCK_RETRY_MS)
  timer.unref()
  app.shutdownSignal.addEventListener('abort', () => clearInterval(timer), { once: true })
}
