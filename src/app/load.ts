import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Logger } from 'pino'
import type { Settings } from '../config/definitions.ts'
import { channelsSetup } from '../channels/extension.ts'
import { discoverChannels } from '../channels/discover.ts'
import { discoverActions, noActionsError, type DiscoverOptions } from '../discovery/discover.ts'
import { deriveTypeSchemas } from '../types-schema/index.ts'
import type { Extension } from './extension.ts'
import { discoverResources, resourcesExtension } from '../resources/index.ts'
import { createApp, type App } from './app.ts'
import { defaultExtensions } from './extensions.ts'

/** What `loadApp` needs: the settings, and optionally directories that override `function_dirs`. */
export interface LoadAppOptions {
  settings: Settings
  dirs?: readonly string[]
  logger?: Logger
  cwd?: string
  /** Dirs to skip, generation to import afresh (see `DiscoverOptions`). */
  discover?: DiscoverOptions
  /** Extensions beyond the default ones (the mounts admin routes of a root app). */
  extensions?: readonly Extension[]
}

/**
 * Discovers the actions of the function directories and builds the app
 * with the default extensions. Directories: the given ones, else
 * `function_dirs`, else `./actions` when present, else `.`.
 *
 * @example
 * ```ts
 * const app = await loadApp({ settings, dirs: ['examples'] })
 * ```
 */
export async function loadApp(options: LoadAppOptions): Promise<App> {
  const cwd = options.cwd ?? process.cwd()
  const dirs = resolveDirs(options.dirs, options.settings, cwd)
  // Actions of .ts files without schemas get them from their types (cached in data_dir).
  const actions = await deriveTypeSchemas(await discoverActions(dirs, cwd, options.discover), { dataDir: options.settings.data_dir, cwd })
  const extensions = [...(await defaultExtensions(options.settings)), ...(options.extensions ?? [])]
  const channelSources = await discoverChannels(dirs, cwd, options.discover)
  // Nothing to serve is a mistake (the wrong folder, a missing export), not an empty server.
  if (actions.length === 0 && channelSources.length === 0) throw noActionsError(dirs, cwd)
  const channels = channelsSetup(channelSources, options.settings)
  const resources = await discoverResources(dirs, cwd)
  return createApp({
    actions: [...actions, ...channels.actions],
    settings: { ...options.settings, function_dirs: [...dirs] },
    cwd,
    // Resources first: they open before the others serve, and close after every other capability stopped.
    extensions: [...(resources.length ? [resourcesExtension(resources)] : []), ...extensions, channels.extension],
    ...(options.logger ? { logger: options.logger } : {}),
  })
}

/** The function directories in effect. */
export function resolveDirs(dirs: readonly string[] | undefined, settings: Settings, cwd: string): string[] {
  if (dirs && dirs.length) return [...dirs]
  if (settings.function_dirs.length) return [...settings.function_dirs]
  return existsSync(resolve(cwd, 'actions')) ? ['actions'] : ['.']
}
