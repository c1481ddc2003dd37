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
  await import('../index.ts')
  const { register: registerTsx } = await import('tsx/esm/api')
  registerTsx()
}

function alreadyLoadsTypeScript(): boolean {
  // This module is itself TypeScript only when something already loads TypeScript.
  return import.meta.url.endsWith('.ts') || process.execArgv.some((arg) => arg.includes('tsx'))
}

/** True when importing these files will register the TypeScript loader. */
export function needsTypeScriptLoader(files: readonly string[]): boolean {
  return !alreadyLoadsTypeScript() && files.some((f) => TS.has(extname(f)))
}
