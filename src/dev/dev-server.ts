import type { Logger } from 'pino'
import { loadApp } from '../app/load.ts'
import type { Settings } from '../config/definitions.ts'
import { listen, type RunningServer } from '../http/listen.ts'
import { mountDirs, mountsAdminExtension } from '../mounts/index.ts'
import { Reloader } from './reload.ts'
import { watchDirs } from './watcher.ts'

/** A dev server: the running server, its reloader, and how to stop both. */
export interface DevServer {
  readonly running: RunningServer
  readonly reloader: Reloader
  /** Stops watching, then drains and closes the server. */
  close(): Promise<void>
}

/** What `startDevServer` needs. */
export interface DevServerOptions {
  readonly settings: Settings
  readonly dirs: readonly string[]
  readonly logger: Logger
  /** Watch the dirs and reload on change (default true); off, reload only through `reloader.reload()`. */
  readonly watch?: boolean
  readonly debounceMs?: number
}

/**
 * Serves the function dirs (and mounts) on a reloadable host and reloads
 * in place when a file under them changes: the `serval dev` server.
 *
 * @example
 * ```ts
 * const dev = await startDevServer({ settings, dirs: ['examples'], logger })
 * await dev.close()
 * ```
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const { settings, dirs, logger } = options
  const exclude = mountDirs(settings)
  const extensions = () => (settings.admin_api ? [mountsAdminExtension()] : [])
  const app = await loadApp({ settings, dirs, logger, discover: { exclude }, extensions: extensions() })
  const running = await listen(app, { reloadable: true })
  const reloader = new Reloader(running, { settings, dirs, logger, exclude, extensions })
  const watched = [...new Set([...running.app.settings.function_dirs, ...exclude])]
  const stop = options.watch === false ? () => undefined : watchDirs(watched, (files) => void reloader.reload(files), { ignore: [settings.data_dir], ...(options.debounceMs ? { debounceMs: options.debounceMs } : {}) })
  return {
    running,
    reloader,
    close: async () => {
      stop()
      await running.close()
    },
  }
}
