import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import type { App } from '../app/app.ts'

/**
 * The version of the API for `info.version`: the `version` of the
 * project's package.json (the nearest one above the first function dir,
 * else the working directory's), else Serval's own. The functionsVersion
 * is not a version a reader can compare; it goes in an extension field.
 *
 * @example
 * ```ts
 * appVersion(app) // '1.4.0', from ./package.json
 * ```
 */
export function appVersion(app: App): string {
  const starts = [...app.settings.function_dirs.slice(0, 1).map((d) => resolve(app.cwd, d)), app.cwd]
  for (const start of starts) {
    const version = nearestPackageVersion(start)
    if (version) return version
  }
  return servalVersion()
}

function nearestPackageVersion(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = resolve(dir, 'package.json')
    if (existsSync(file)) return versionIn(file)
    if (dirname(dir) === dir) return undefined
  }
}

function versionIn(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' && pkg.version ? pkg.version : undefined
  } catch {
    return undefined
  }
}

function servalVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version
}
