import { createRequire } from 'node:module'
import { extname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { preloadPackages } from './preload.ts'
import { compiledUrl } from './ts-cache.ts'

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

// Once one file needs tsx, every later one goes through it too: a file
// imported both as a build and as source would be two modules.
let tsxChosen = false

/**
 * The URL to import a user's file from. A TypeScript file gets its
 * cached build (src/discovery/ts-cache.ts), which Node loads natively;
 * where the cache cannot build it (CommonJS, no node_modules, a read-only
 * disk, `SERVAL_TS_CACHE=off`), tsx is registered and the file's own URL
 * is imported through it. Any other file is its own URL. A file that does
 * not compile throws, naming its line.
 *
 * @example
 * ```ts
 * await import(await moduleUrl('/app/actions/hello.ts'))
 * ```
 */
export async function moduleUrl(file: string): Promise<string> {
  const built = await builtUrl(file)
  if (built) return built
  tsxChosen = true
  await ensureTypeScript(file)
  return pathToFileURL(file).href
}

/**
 * Builds the TypeScript files of a function dir before any is imported:
 * when one cannot be built, none is, and tsx loads them all (their
 * packages preloaded natively first). `onError` names the file that failed.
 *
 * @example
 * ```ts
 * await prepareTypeScript(files, (file, cause) => loadError(file, cause))
 * ```
 */
export async function prepareTypeScript(files: readonly string[], onError: (file: string, cause: unknown) => Error): Promise<void> {
  for (const file of files) {
    let built: string | undefined
    try {
      built = await builtUrl(file)
    } catch (cause) {
      throw onError(file, cause)
    }
    if (built) continue
    tsxChosen = true
    if (needsTypeScriptLoader(files)) await preloadPackages(files)
    return
  }
}

/** The file's own URL (not TypeScript, or TypeScript already loads), its build's, or undefined when tsx must load it. */
async function builtUrl(file: string): Promise<string | undefined> {
  if (!TS.has(extname(file)) || alreadyLoadsTypeScript()) return pathToFileURL(file).href
  if (tsxChosen || process.env.SERVAL_TS_CACHE === 'off') return undefined
  return compiledUrl(file)
}
