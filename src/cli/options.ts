import { Option, type Command } from 'commander'
import { settingDefs, type SettingName } from '../config/definitions.ts'
import { flagName } from '../config/load.ts'

/** Settings that are not flags: directories come as arguments. */
const NOT_FLAGS = new Set<SettingName>(['function_dirs'])

/**
 * Adds a `--kebab-name <value>` flag for every setting, generated from the
 * one settings table, so flags, env names and docs never drift apart.
 */
export function addSettingFlags(command: Command): Command {
  for (const [name, def] of Object.entries(settingDefs) as [SettingName, (typeof settingDefs)[SettingName]][]) {
    if (NOT_FLAGS.has(name)) continue
    const flag = flagName(name)
    const option =
      def.kind === 'bool' ? new Option(`${flag} [bool]`, def.help) : new Option(`${flag} <value>`, def.help)
    command.addOption(option.hideHelp(!COMMON.has(name)))
  }
  command.addOption(new Option('--dev', 'shorthand for --dev-mode true'))
  return command
}

/** Flags shown in `--help`; the rest work but are listed by `serval config`. */
const COMMON = new Set<SettingName>(['host', 'port', 'dev_mode', 'log_level', 'data_dir', 'redis_url', 'auth_mode', 'workers'])

/** Commander's parsed options → raw setting values keyed by setting name. */
export function settingsFromFlags(opts: Record<string, unknown>): Partial<Record<SettingName, unknown>> {
  const out: Partial<Record<SettingName, unknown>> = {}
  for (const name of Object.keys(settingDefs) as SettingName[]) {
    const key = name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())
    const value = opts[key]
    if (value !== undefined) out[name] = value
  }
  if (opts.dev === true) out.dev_mode = true
  if (opts.workers === false) out.workers = 0 // --no-workers
  return out
}
