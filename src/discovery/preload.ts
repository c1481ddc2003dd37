import { existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

// Static `import … from 'x'`, `import 'x'` and `export … from 'x'` with a bare specifier.
const BARE_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(?:[^'"`;]*?\s+from\s+)?['"]([^'"./][^'"]*)['"]/g
const BUILTIN = new Set(builtinModules)

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
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(BARE_IMPORT)) {
      const spec = match[1] as string
      if (!spec.startsWith('node:') && !BUILTIN.has(spec) && !wanted.has(spec)) wanted.set(spec, file)
    }
  }
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

function packageName(spec: string): string {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string)
}

/** Where Node's lookup from `dir` finds the package: the nearest `node_modules/<name>` up the tree. */
function packageDir(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(current) === current) return undefined
  }
}
