import { existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join } from 'node:path'

// Static `import … from 'x'`, `import 'x'` and `export … from 'x'` with a bare specifier.
const BARE_IMPORT = /(?:^|[\n;])\s*(?:import|export)\s+(?:[^'"`;]*?\s+from\s+)?['"]([^'"./][^'"]*)['"]/g
const BUILTIN = new Set(builtinModules)

/**
 * The package specifiers a source file imports statically (no builtins),
 * read from its text: no module is loaded to find them.
 *
 * @example
 * ```ts
 * packageImports('actions/hello.ts') // ['serval', 'zod']
 * ```
 */
export function packageImports(file: string): string[] {
  const found = new Set<string>()
  for (const match of readFileSync(file, 'utf8').matchAll(BARE_IMPORT)) {
    const spec = match[1] as string
    if (!spec.startsWith('node:') && !BUILTIN.has(spec)) found.add(spec)
  }
  return [...found]
}

/**
 * The package a specifier names: `zod/v4` → `zod`, `@a/b/c` → `@a/b`.
 *
 * @example
 * ```ts
 * packageName('@sinclair/typebox/compiler') // '@sinclair/typebox'
 * ```
 */
export function packageName(spec: string): string {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string)
}

/**
 * Where Node's lookup from `dir` finds the package: the nearest `node_modules/<name>` up the tree.
 *
 * @example
 * ```ts
 * packageDir('/app/actions', 'zod') // '/app/node_modules/zod'
 * ```
 */
export function packageDir(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(current) === current) return undefined
  }
}
