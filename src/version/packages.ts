import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { packageDir, packageImports, packageName } from '../discovery/imports.ts'

/**
 * The installed version of every package the files import, as Node would
 * find it from each file, sorted by name. A package that is not installed
 * (the import would fail anyway) or has no version is left out.
 *
 * @example
 * ```ts
 * importedPackageVersions(['/app/actions/hello.ts']) // [['serval', '0.1.0'], ['zod', '4.6.7']]
 * ```
 */
export function importedPackageVersions(files: readonly string[]): [string, string][] {
  const versions = new Map<string, string>()
  for (const file of files) {
    for (const name of new Set(packageImports(file).map(packageName))) {
      const dir = versions.has(name) ? undefined : packageDir(dirname(file), name)
      const version = dir && readVersion(dir)
      if (version) versions.set(name, version)
    }
  }
  return [...versions].sort(([a], [b]) => (a < b ? -1 : 1))
}

function readVersion(dir: string): string | undefined {
  try {
    const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version
    return typeof version === 'string' ? version : undefined
  } catch {
    return undefined
  }
}
