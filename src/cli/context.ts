import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Logger } from 'pino'
import { createLogger } from '../ops/logger.ts'
import { loadApp, resolveDirs } from '../app/load.ts'
import type { App } from '../app/app.ts'
import { loadSettings, type LoadedSettings } from '../config/load.ts'
import type { SettingName, Settings } from '../config/definitions.ts'
import { settingsFromFlags } from './options.ts'
import { CliExit, EXIT } from './exit.ts'

export { CliExit, EXIT } from './exit.ts'

/** Settings from flags (plus overrides a command forces), env, .env, config file, defaults. */
export async function settingsFor(opts: Record<string, unknown>, force: Partial<Record<SettingName, unknown>> = {}, configDirs: readonly string[] = []): Promise<LoadedSettings> {
  return loadSettings({ cli: { ...settingsFromFlags(opts), ...force }, configDirs })
}

/** Builds the app for a one-shot command; logs go to stderr so stdout stays clean output. */
export async function appFor(dirs: string[], opts: Record<string, unknown>, level = 'warn'): Promise<App> {
  const { settings, sources } = await settingsFor(opts)
  if (sources.log_level === 'default') settings.log_level = level as typeof settings.log_level
  const logger: Logger = createLogger(settings, { fd: 2 })
  return loadApp({ settings, dirs: functionDirs(dirs, settings), logger })
}

/**
 * The function directories a command will serve, each checked to exist:
 * a missing one is bad usage (exit 2, one line naming it), caught before
 * anything (a file watcher, discovery) would fail on it with a stack.
 *
 * @example
 * ```ts
 * const dirs = functionDirs(['actions'], settings) // throws CliExit(2) when ./actions is missing
 * ```
 */
export function functionDirs(dirs: readonly string[], settings: Settings, cwd = process.cwd()): string[] {
  const resolved = resolveDirs(dirs, settings, cwd)
  const missing = resolved.find((dir) => !existsSync(resolve(cwd, dir)))
  if (missing !== undefined) throw new CliExit(EXIT.usage, `function directory not found: ${missing}`)
  return resolved
}
