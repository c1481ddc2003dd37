import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { parse as parseDotenv } from 'dotenv'
import { settingDefs, type SettingDef, type SettingName, type Settings } from './definitions.ts'
import { parseSetting, SettingsError } from './parse.ts'
import { moduleUrl } from '../discovery/typescript.ts'

/** Where an effective setting came from, as `serval config` prints it. */
export type SettingSource = 'default' | `flag --${string}` | `env ${string}` | `.env ${string}` | `file ${string}`

/** What `loadSettings` reads. Each part defaults to the real thing. */
export interface LoadOptions {
  /** Values from CLI flags, by setting name. */
  cli?: Partial<Record<SettingName, unknown>>
  env?: Record<string, string | undefined>
  cwd?: string
  /** Skip `.env` and the config file (tests, embedding). */
  filesOff?: boolean
  /** Where to look for a config file when the working directory has none (the function dirs a command was given). */
  configDirs?: readonly string[]
}

/** The effective settings and the source of each. */
export interface LoadedSettings {
  settings: Settings
  sources: Record<SettingName, SettingSource>
}

const CONFIG_FILES = ['serval.config.ts', 'serval.config.mts', 'serval.config.js', 'serval.config.mjs', 'serval.config.json', 'serval.config.yaml', 'serval.config.yml']
const names = Object.keys(settingDefs) as SettingName[]

/** `port` → `SERVAL_PORT`. */
export function envName(name: SettingName): string {
  return `SERVAL_${name.toUpperCase()}`
}

/** `body_limit` → `--body-limit`. */
export function flagName(name: SettingName): string {
  return `--${name.replaceAll('_', '-')}`
}

/**
 * Reads the settings, highest precedence first: CLI flags, `SERVAL_*`
 * environment, `.env` in the working directory, `serval.config.*`,
 * defaults. Every value is validated; a bad one throws a `SettingsError`
 * naming the flag, variable or file key.
 *
 * @example
 * ```ts
 * const { settings, sources } = await loadSettings({ cli: { port: 0 } })
 * sources.port // 'flag --port'
 * ```
 */
export async function loadSettings(options: LoadOptions = {}): Promise<LoadedSettings> {
  const cwd = options.cwd ?? process.cwd()
  const env = options.env ?? process.env
  const layers: [Partial<Record<SettingName, unknown>>, (n: SettingName) => SettingSource][] = []
  if (!options.filesOff) {
    const file = await findConfigFile(cwd, options.configDirs ?? [])
    if (file) layers.push([file.values, (n) => `file ${file.name}:${n}` as SettingSource])
    layers.push([fromEnv(readDotenv(cwd)), (n) => `.env ${envName(n)}` as SettingSource])
  }
  layers.push([fromEnv(env), (n) => `env ${envName(n)}` as SettingSource])
  layers.push([options.cli ?? {}, (n) => `flag ${flagName(n)}` as SettingSource])
  return resolveLayers(layers)
}

function resolveLayers(layers: [Partial<Record<SettingName, unknown>>, (n: SettingName) => SettingSource][]): LoadedSettings {
  const settings: Record<string, unknown> = {}
  const sources = {} as Record<SettingName, SettingSource>
  for (const name of names) {
    const def: SettingDef = settingDefs[name]
    settings[name] = 'default' in def ? def.default : undefined
    sources[name] = 'default'
    for (const [values, sourceOf] of layers) {
      const raw = values[name]
      if (raw === undefined) continue
      const source = sourceOf(name)
      settings[name] = parseSetting(def, raw, source.replace(/^(flag|env|\.env|file) /, ''), `setting ${name}, from ${source}`)
      sources[name] = source
    }
  }
  return { settings: settings as Settings, sources }
}

function fromEnv(env: Record<string, string | undefined>): Partial<Record<SettingName, unknown>> {
  const out: Partial<Record<SettingName, unknown>> = {}
  for (const name of names) {
    const value = env[envName(name)]
    if (value !== undefined) out[name] = value
  }
  return out
}

function readDotenv(cwd: string): Record<string, string> {
  const path = resolve(cwd, '.env')
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {}
}

/** The config file of the working directory, else of the first given dir that has one (`serval serve examples`). */
async function findConfigFile(cwd: string, dirs: readonly string[]): Promise<{ name: string; values: Record<string, unknown> } | undefined> {
  for (const dir of [cwd, ...dirs.map((d) => resolve(cwd, d))]) {
    const file = await readConfigFile(dir, dir === cwd ? '' : `${relative(cwd, dir)}/`)
    if (file) return file
  }
  return undefined
}

async function readConfigFile(dir: string, shownDir: string): Promise<{ name: string; values: Record<string, unknown> } | undefined> {
  const found = CONFIG_FILES.find((f) => existsSync(resolve(dir, f)))
  if (!found) return undefined
  const name = `${shownDir}${found}`
  const path = resolve(dir, found)
  const values = await readConfigValues(path, name)
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new SettingsError(name, 'must export an object of settings')
  }
  for (const key of Object.keys(values)) {
    if (!(key in settingDefs)) throw new SettingsError(`${name}:${key}`, `unknown setting (known: ${names.join(', ')})`)
  }
  return { name, values: withMountDirsFrom(dirname(path), values as Record<string, unknown>) }
}

/** A mount's dirs in a config file are relative to the file, as paths in tsconfig.json are. */
function withMountDirsFrom(dir: string, values: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(values.mounts)) return values
  const mounts = values.mounts.map((m: unknown) => {
    const dirs = (m as { dirs?: unknown } | null)?.dirs
    return Array.isArray(dirs) ? { ...(m as object), dirs: dirs.map((d) => (typeof d === 'string' && d ? resolve(dir, d) : d)) } : m
  })
  return { ...values, mounts }
}

async function readConfigValues(path: string, name: string): Promise<unknown> {
  try {
    if (name.endsWith('.json')) return JSON.parse(readFileSync(path, 'utf8'))
    if (name.endsWith('.yaml') || name.endsWith('.yml')) return (await import('yaml')).parse(readFileSync(path, 'utf8'))
    const mod = (await import(await moduleUrl(path))) as { default?: unknown }
    return mod.default
  } catch (cause) {
    throw new SettingsError(name, `cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

/**
 * Types a `serval.config.ts` file.
 *
 * @example
 * ```ts
 * export default defineConfig({ port: 8080, dev_mode: true })
 * ```
 */
export function defineConfig(config: Partial<Settings>): Partial<Settings> {
  return config
}
