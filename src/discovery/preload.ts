import { dirname, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { packageDir, packageImports, packageName } from './imports.ts'

/**
 * Imports, natively, the packages that action files import, before the
 * TypeScript loader is registered. Node 20 runs loader hooks on another
 * thread, so every module loaded after registration costs a round trip: a
 * schema library can be hundreds of files. A package is preloaded only when
 * Serval resolves it to the very copy the action file would get, so nothing
 * changes but the time. A package that fails to load is left for the action
 * file's own import to report.
 *
 * @example
 * ```ts
 * await preloadPackages(['/app/actions/hello.ts'])
 * ```
 */
export async function preloadPackages(files: readonly string[]): Promise<void> {
  const wanted = new Map<string, string>() // specifier → a file that imports it
  for (const file of files) for (const spec of packageImports(file)) if (!wanted.has(spec)) wanted.set(spec, file)
  await Promise.all([...wanted].map(([spec, file]) => preloadOne(spec, file)))
}

async function preloadOne(spec: string, importer: string): Promise<void> {
  let url: string
  try {
    url = import.meta.resolve(spec)
  } catch {
    return
  }
  const theirs = packageDir(dirname(importer), packageName(spec))
  if (!theirs || !url.startsWith('file:') || !fileURLToPath(url).startsWith(theirs + sep)) return
  await import(url).catch(() => undefined)
}
