import { pino, type Logger } from 'pino'
import { loadApp } from '../app/load.ts'
import type { App } from '../app/app.ts'
import { loadSettings, type LoadedSettings } from '../config/load.ts'
import type { SettingName } from '../config/definitions.ts'
import { settingsFromFlags } from './options.ts'

/** Exit codes: 0 ok, 1 the action (or a test) failed, 2 bad usage, flags, settings or input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/** An error the CLI prints as one line and exits with `code`. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

/** Settings from flags (plus overrides a command forces), env, .env, config file, defaults. */
export async function settingsFor(opts: Record<string, unknown>, force: Partial<Record<SettingName, unknown>> = {}): Promise<LoadedSettings> {
  return loadSettings({ cli: { ...settingsFromFlags(opts), ...force } })
}

/** Builds the app for a one-shot command; logs go to stderr so stdout stays clean output. */
export async function appFor(dirs: string[], opts: Record<string, unknown>, level = 'warn'): Promise<App> {
  const { settings, sources } = await settingsFor(opts)
  if (sources.log_level === 'default') settings.log_level = level as typeof settings.log_level
  const logger: Logger = pino({ level: settings.log_level }, pino.destination(2))
  return loadApp({ settings, dirs, logger })
}
