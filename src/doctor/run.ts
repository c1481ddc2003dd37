import { resolveDirs } from '../app/load.ts'
import { loadSettings, type LoadedSettings } from '../config/load.ts'
import type { SettingName } from '../config/definitions.ts'
import { checkDataDir, checkFunctionDirs, checkNode, checkOidc, checkRedis } from './checks.ts'
import { failed, ok, reason, type CheckResult } from './check.ts'

/** What `runDoctor` checks: settings as the CLI reads them (flags over env, .env, the config file). */
export interface DoctorOptions {
  /** Settings from flags, by name. */
  readonly cli?: Partial<Record<SettingName, unknown>>
  /** Function directories; default as `serval serve` picks them. */
  readonly dirs?: readonly string[]
  readonly cwd?: string
  readonly env?: Record<string, string | undefined>
}

/**
 * Checks the environment a server would start in: Node's version, the
 * settings, data_dir, Redis and the OIDC issuer when configured, and that
 * the function dirs load. Independent checks run at once; every one
 * reports, so one run lists everything to fix.
 *
 * @example
 * ```ts
 * const results = await runDoctor({ dirs: ['actions'] })
 * results.some((r) => r.status === 'fail') // exit 1
 * ```
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<CheckResult[]> {
  const cwd = options.cwd ?? process.cwd()
  const node = checkNode()
  let loaded: LoadedSettings
  try {
    loaded = await loadSettings({ cli: options.cli ?? {}, cwd, ...(options.env ? { env: options.env } : {}) })
  } catch (error) {
    return [node, failed(`settings: ${reason(error)}`, 'fix the flag, variable or config key named above (`serval config` lists them all)')]
  }
  const dirs = resolveDirs(options.dirs, loaded.settings, cwd)
  const rest = await Promise.all([checkDataDir(loaded, cwd), checkRedis(loaded), checkOidc(loaded), checkFunctionDirs(dirs, cwd)])
  return [node, ok('settings (flags, environment, .env, config file) are valid'), ...rest]
}
