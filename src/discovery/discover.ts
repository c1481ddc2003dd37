import { readdirSync, statSync } from 'node:fs'
import { basename, extname, join, relative, resolve, sep } from 'node:path'
import { isAction } from '../action/define.ts'
import type { AnyAction } from '../action/types.ts'
import type { ActionSource } from '../core/registry.ts'
import { ServalError } from '../errors/index.ts'
import { moduleUrl, prepareTypeScript } from './typescript.ts'

/** The query parameter that makes an import URL, and every relative import below it, a fresh module (see src/dev/fresh-imports.ts). */
export const FRESH_PARAM = 'serval-gen'

const EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs'])
const SKIP_FILE = /\.(test|spec)\.[cm]?[jt]s$|\.d\.[cm]?ts$/

/**
 * Lists the files discovery imports under `dir`: `.ts/.mts/.js/.mjs`,
 * skipping `node_modules`, `static` folders, dot-folders, test, spec and declaration files.
 * Sorted, so startup order (and duplicate errors) never depend on the disk.
 *
 * @example
 * ```ts
 * findActionFiles('examples') // ['/abs/examples/hello.ts', …]
 * ```
 */
export function findActionFiles(dir: string): string[] {
  const root = resolve(dir)
  let stat
  try {
    stat = statSync(root)
  } catch {
    throw new ServalError('not-found', { title: 'Function directory not found', detail: `Function directory not found: ${dir}` })
  }
  if (stat.isFile()) return [root]
  const out: string[] = []
  walk(root, out)
  return out.sort()
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const path = join(dir, entry.name)
    // static/ holds files for browsers (see docs/web.md): its scripts are never actions.
    if (entry.isDirectory()) {
      if (entry.name !== 'static') walk(path, out)
    } else if (entry.isFile() && EXTENSIONS.has(extname(entry.name)) && !SKIP_FILE.test(entry.name)) out.push(path)
  }
}

/** How discovery reads the function dirs beyond the dirs themselves. */
export interface DiscoverOptions {
  /** Absolute directories to skip (the dirs of mounts inside a root function dir: each is served once, by its mount). */
  readonly exclude?: readonly string[]
  /**
   * Imports the files afresh as this generation (dev reload, a redeployed
   * mount): ESM caches a module by URL, so a new URL is a new module.
   */
  readonly generation?: string
}

/**
 * The files discovery imports under the dirs, each once, minus the excluded dirs.
 *
 * @example
 * ```ts
 * sourceFiles(['examples'], cwd, { exclude: ['/abs/examples/billing'] })
 * ```
 */
export function sourceFiles(dirs: readonly string[], cwd: string, options: DiscoverOptions = {}): string[] {
  const files = [...new Set(dirs.flatMap((d) => findActionFiles(resolve(cwd, d))))]
  const exclude = (options.exclude ?? []).map((d) => resolve(cwd, d) + sep)
  return exclude.length ? files.filter((f) => !exclude.some((d) => f.startsWith(d))) : files
}

/**
 * Imports every action file under the directories and returns each
 * exported action with its export name and file. The same action object
 * re-exported elsewhere counts once. An import failure names the file.
 *
 * @example
 * ```ts
 * const sources = await discoverActions(['examples'])
 * ```
 */
export async function discoverActions(dirs: readonly string[], cwd = process.cwd(), options: DiscoverOptions = {}): Promise<ActionSource[]> {
  const seen = new Set<AnyAction>()
  const sources: ActionSource[] = []
  const files = sourceFiles(dirs, cwd, options)
  await prepareTypeScript(files, (file, cause) => loadError(file, cwd, cause))
  for (const file of files) {
    const mod = await importFile(file, cwd, options.generation)
    for (const [exportName, value] of Object.entries(mod)) {
      if (!isAction(value) || seen.has(value)) continue
      seen.add(value)
      const name = exportName === 'default' ? basename(file, extname(file)).replace(/\W+/g, '_') : exportName
      sources.push({ action: value, exportName: name, file: relative(cwd, file) || file })
    }
  }
  return sources
}

/**
 * Imports one file of a function dir (TypeScript without a build step); a
 * failure names the file. Channels' discovery reads the same modules.
 *
 * @example
 * ```ts
 * const mod = await importFile('/abs/examples/hello.ts', process.cwd())
 * ```
 */
export async function importFile(file: string, cwd: string, generation?: string): Promise<Record<string, unknown>> {
  try {
    const url = await moduleUrl(file)
    return (await import(generation ? `${url}?${FRESH_PARAM}=${generation}` : url)) as Record<string, unknown>
  } catch (cause) {
    throw loadError(file, cwd, cause)
  }
}

function loadError(file: string, cwd: string, cause: unknown): ServalError {
  const msg = cause instanceof Error ? cause.message : String(cause)
  return new ServalError('internal', { title: 'Cannot load actions', detail: `Cannot load ${relative(cwd, file)}: ${msg}${moduleHint(cause)}`, cause })
}

/**
 * A file loaded as CommonJS because no package.json above it says
 * `"type": "module"` fails with Node's words about require cycles; say the fix.
 */
function moduleHint(cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code
  if (code !== 'ERR_REQUIRE_CYCLE_MODULE' && code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') return ''
  return ' (the file is loaded as CommonJS: add "type": "module" to the package.json of the project, or name the file .mts)'
}

/**
 * The startup error for function directories that export no action (nor
 * channel): names each directory and the files it loaded, and says what
 * to export or which setting points elsewhere.
 *
 * @example
 * ```ts
 * if (sources.length === 0) throw noActionsError(['actions'], process.cwd())
 * ```
 */
export function noActionsError(dirs: readonly string[], cwd = process.cwd()): ServalError {
  const files = [...new Set(dirs.flatMap((d) => findActionFiles(resolve(cwd, d))))].map((f) => relative(cwd, f) || f)
  const loaded = files.length === 0 ? 'it holds no .ts/.js file' : `loaded ${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}, none of which exports an action`
  return new ServalError('not-found', {
    title: 'No actions',
    detail:
      `No actions found in ${dirs.join(', ')}: ${loaded}. ` +
      "Export one (export const hello = action({ input: z.object({}) }, () => 'hi'), with action from 'serval'), " +
      'or point function_dirs (the DIR argument, --function-dirs or SERVAL_FUNCTION_DIRS) at the folder that holds them',
  })
}
