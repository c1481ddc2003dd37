import { pino } from 'pino'
import { devAuthEnv } from '../../auth/secrets.ts'
import { startDevServer } from '../../dev/index.ts'
import { functionDirs, settingsFor } from '../context.ts'
import { serveCommand, waitForSignal } from './serve.ts'
import { releaseYoungGeneration } from '../../internal/young-generation.ts'

/**
 * `serval dev [DIR...]`: serve in dev mode; with reload on (the default
 * here), a change under the function directories builds the app again in
 * this process, beside the one serving, and swaps it in: no connection is
 * dropped, and a file that fails to load keeps the previous version serving.
 */
export async function devCommand(dirs: string[], opts: Record<string, unknown>): Promise<number> {
  const { settings, sources } = await settingsFor(opts, { dev_mode: true }, dirs)
  const reload = sources.reload === 'default' ? true : settings.reload
  if (!reload) return serveCommand(dirs, opts, { dev_mode: true })
  const started = performance.now()
  // Generated once, kept in the settings every generation is built from: tokens survive reloads.
  const auth = devAuthEnv(settings)
  if (auth.SERVAL_JWT_SECRET) settings.jwt_secret = auth.SERVAL_JWT_SECRET
  if (auth.SERVAL_DEBUG_PASSWORD) settings.debug_password = auth.SERVAL_DEBUG_PASSWORD
  const logger = pino({ level: settings.log_level })
  const dev = await startDevServer({ settings, dirs: functionDirs(dirs, settings), logger })
  const { url, app } = dev.running
  logger.info(
    { url, actions: app.registry.size, dirs: app.settings.function_dirs, startupMs: Math.round(performance.now() - started) },
    `Serval dev on ${url} (${app.registry.size} actions; docs at ${url}/docs); reloading on change`,
  )
  logger.warn('dev mode: error details are sent to clients; do not use in production')
  releaseYoungGeneration()
  return waitForSignal({ ...dev.running, close: () => dev.close(), app })
}
