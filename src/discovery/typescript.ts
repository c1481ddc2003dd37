import { createRequire } from 'node:module'
import { extname } from 'node:path'

const TS = new Set(['.ts', '.mts', '.cts'])
let ready: Promise<void> | undefined

/**
 * Registers tsx before the first TypeScript file is imported, and only
 * then: its loader hooks slow every later import, so Serval's own (compiled)
 * modules are all loaded first. When Serval itself runs from source (vitest,
 * `node --import tsx`), TypeScript already loads and nothing is registered.
 *
 * @example
 * ```ts
 * await ensureTypeScript('actions/hello.ts')
 * await import(url)
 * ```
 */
export function ensureTypeScript(file: string): Promise<void> {
  if (!TS.has(extname(file)) || alreadyLoadsTypeScript()) return Promise.resolve()
  return (ready ??= register())
}

async function register(): Promise<void> {
  // Action files import 'serval': load its whole public surface natively
  // first, or every one of its modules would cross to the loader thread.
  await Promise.all(publicEntries().map((entry) => import(entry)))
  const { register: registerTsx } = await import('tsx/esm/api')
  registerTsx()
}

/**
 * Serval's public entry points, the module list of package.json `exports`
 * (`serval`, `serval/testing`), by name: imported as action files import
 * them, so this module never imports the package root (which imports it).
 */
function publicEntries(): string[] {
  const pkg = createRequire(import.meta.url)('../../package.json') as { name: string; exports: Record<string, unknown> }
  return Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}${key.slice(1)}`))
}

function alreadyLoadsTypeScript(): boolean {
  // This module is itself TypeScript only when something already loads TypeScript.
  return import.meta.url.endsWith('.ts') || process.execArgv.some((arg) => arg.includes('tsx'))
}

/** True when importing these files will register the TypeScript loader. */
export function needsTypeScriptLoader(files: readonly string[]): boolean {
  return !alreadyLoadsTypeScript() && files.some((f) => TS.has(extname(f)))
}
