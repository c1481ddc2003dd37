import type { App } from '../app/app.ts'
import { loadApp } from '../app/load.ts'
import type { Settings } from '../config/definitions.ts'
import { loadSettings } from '../config/load.ts'

/** What `createHandler` serves: function directories and settings that override the environment's. */
export interface HandlerOptions {
  /** Function directories, relative to the working directory (`/var/task` on Lambda); default `function_dirs`. */
  readonly dirs?: readonly string[]
  /** Settings that win over `SERVAL_*` variables, `.env` and `serval.config.*`, like CLI flags. */
  readonly settings?: Partial<Settings>
}

/** Where the embedded store goes on Lambda, whose only writable directory is /tmp. */
const LAMBDA_DATA_DIR = '/tmp/serval'

/**
 * Builds the app a Lambda container serves: settings read as the CLI reads
 * them (flags replaced by `options.settings`), then discovery. No job
 * workers or schedule timers run in a container that freezes between
 * events: EventBridge drives the schedules.
 *
 * @example
 * ```ts
 * const app = await loadLambdaApp({ dirs: ['actions'], settings: { log_level: 'warn' } })
 * ```
 */
export async function loadLambdaApp(options: HandlerOptions = {}, env: Record<string, string | undefined> = process.env): Promise<App> {
  const { settings, sources } = await loadSettings({ cli: { ...options.settings, workers: 0 }, env })
  if (sources.data_dir === 'default' && env.AWS_LAMBDA_FUNCTION_NAME) settings.data_dir = LAMBDA_DATA_DIR
  return loadApp({ settings, ...(options.dirs ? { dirs: options.dirs } : {}) })
}
