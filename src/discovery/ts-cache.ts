import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { basename, dirname, extname, join, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Plugin } from 'esbuild'
import { writeWhole } from '../internal/write-whole.ts'

/** Bumped when what this module writes changes, so older entries are rebuilt. */
const FORMAT = '1'
const TS = new Set(['.ts', '.mts', '.tsx'])
const BUILTIN = new Set(builtinModules)
const HEADER = '// serval-ts '

/** What the URL of every build holds: the cache folder below a project's `node_modules`. */
export const CACHE_URL_PART = '/node_modules/.cache/serval/ts/'

/** Thrown when a TypeScript file does not compile: names the file, line and column. */
export class TypeScriptBuildError extends Error {}

/**
 * Builds a user's TypeScript file, and the TypeScript files it imports,
 * into plain ESM under the project's `node_modules/.cache/serval/ts`, and
 * returns the URL to import instead of the file; `undefined` when the file
 * is not one this cache builds (CommonJS, no `node_modules`, a TypeScript
 * package in node_modules): the tsx loader loads those. An entry is
 * reused while the file, its tsconfig.json, esbuild and Serval's format are
 * unchanged. Node then loads the build natively: no loader thread, no
 * per-module round trip. Each file stays its own module (imports between
 * them point at each other's builds), `import.meta.url`, `dirname` and
 * `filename` are the source file's, and inline source maps name the source
 * in stack traces.
 *
 * @example
 * ```ts
 * const url = (await compiledUrl('/app/actions/hello.ts')) ?? pathToFileURL(file).href
 * await import(url)
 * ```
 */
export async function compiledUrl(file: string): Promise<string | undefined> {
  const out = outputFor(file)
  const version = out && esbuildVersion()
  if (!out || !version) return undefined
  process.setSourceMapsEnabled(true)
  const run: Run = { version, done: new Map() }
  try {
    return (await ensureBuilt(file, run)) ? pathToFileURL(out).href : undefined
  } finally {
    if (run.built) idleStop()
  }
}

type Esbuild = typeof import('esbuild')

/** One call's state: whether it built anything, and the files already checked. */
interface Run {
  version: string
  built?: boolean
  done: Map<string, boolean>
}

let esbuild: Esbuild | undefined
let stopTimer: NodeJS.Timeout | undefined

/** esbuild, imported on the first stale entry only: a warm start never loads it. */
async function service(): Promise<Esbuild> {
  clearTimeout(stopTimer)
  return (esbuild ??= await import('esbuild'))
}

/**
 * esbuild answers from a child process, which would idle for the server's
 * whole life: stopped once no file was built for a moment (one discovery
 * builds file after file, and a restart per file would cost more than the build).
 */
function idleStop(): void {
  clearTimeout(stopTimer)
  stopTimer = setTimeout(() => void esbuild?.stop(), 500).unref()
}

/** esbuild's version (the cache key's), read without loading esbuild: a warm start never does. */
function esbuildVersion(): string | undefined {
  try {
    return (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version
  } catch {
    return undefined
  }
}

/** Builds `file` when its entry is stale, then every TypeScript file it imports; false when one of them is not buildable here. */
async function ensureBuilt(file: string, run: Run): Promise<boolean> {
  const known = run.done.get(file)
  if (known !== undefined) return known
  run.done.set(file, true) // an import cycle meets this file again while it is being built
  const out = outputFor(file)
  if (!out) {
    run.done.set(file, false)
    return false
  }
  const source = readFileSync(file, 'utf8')
  const key = keyOf(file, source, run.version)
  let deps = cachedDeps(out, key)
  if (!deps) {
    run.built = true
    const built = await build(file, source, out, await service())
    deps = built && (await written(out, `${HEADER}${key} ${JSON.stringify(built.deps)}\n${built.code}`)) ? built.deps : undefined
  }
  let ok = deps !== undefined
  for (const dep of deps ?? []) ok = ok && (await ensureBuilt(dep, run))
  run.done.set(file, ok)
  return ok
}

/** False when the cache folder refuses the write (read-only, full): tsx loads the file instead. */
async function written(out: string, text: string): Promise<boolean> {
  try {
    await writeWhole(out, text)
    return true
  } catch {
    return false
  }
}

/** The TypeScript deps recorded in a cache entry whose key matches, else undefined (missing or stale). */
function cachedDeps(out: string, key: string): string[] | undefined {
  let head: string
  try {
    head = readFileSync(out, 'utf8').slice(0, 64 * 1024).split('\n', 1)[0] ?? ''
  } catch {
    return undefined
  }
  if (!head.startsWith(`${HEADER}${key} `)) return undefined
  try {
    return JSON.parse(head.slice(HEADER.length + key.length + 1)) as string[]
  } catch {
    return undefined
  }
}

function keyOf(file: string, source: string, esbuildVersion: string): string {
  const tsconfig = nearest(dirname(file), 'tsconfig.json')
  const hash = createHash('sha256').update(`${FORMAT}\0${esbuildVersion}\0${conditions().join(',')}\0${file}\0`)
  hash.update(tsconfig ? readFileSync(tsconfig) : '').update('\0').update(source)
  return hash.digest('hex').slice(0, 32)
}

/** One file's build: every import left to Node, rewritten to the URL Node would load from the source file's place. */
async function build(file: string, source: string, out: string, esbuild: Esbuild): Promise<{ code: string; deps: string[] } | undefined> {
  const deps = new Set<string>()
  const state = { foreign: false }
  const url = pathToFileURL(file).href
  let result
  try {
    result = await esbuild.build({
      stdin: { contents: source, sourcefile: file, resolveDir: dirname(file), loader: extname(file) === '.tsx' ? 'tsx' : 'ts' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: `node${process.versions.node}`,
      outfile: out,
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      // Node's own lookup: no `module` field or condition, only the ones node runs with.
      mainFields: ['main'],
      conditions: conditions(),
      define: { 'import.meta.url': JSON.stringify(url), 'import.meta.filename': JSON.stringify(file), 'import.meta.dirname': JSON.stringify(dirname(file)) },
      plugins: [externalImports(file, deps, state)],
    })
  } catch (error) {
    throw buildError(error)
  }
  if (state.foreign) return undefined
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))?.text ?? ''
  return { code, deps: [...deps] }
}

/**
 * Keeps each file its own module: every import is external. A TypeScript
 * file of the project becomes its build's URL (and is built too); anything
 * else the absolute URL of the file esbuild resolves, as Node would, from
 * the source file's folder (a package, JSON, a JavaScript file).
 */
function externalImports(file: string, deps: Set<string>, state: { foreign: boolean }): Plugin {
  return {
    name: 'serval-external',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === 'entry-point' || (args.pluginData as { inner?: boolean } | undefined)?.inner) return undefined
        if (args.path.startsWith('node:') || BUILTIN.has(args.path)) return { path: args.path, external: true }
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } })
        if (found.errors.length || !found.path) return { path: unresolved(args.path, file), external: true }
        if (TS.has(extname(found.path)) || found.path.endsWith('.cts')) {
          const out = found.path.includes(`${sep}node_modules${sep}`) ? undefined : outputFor(found.path)
          if (!out) {
            state.foreign = true // a TypeScript package, or a CommonJS file: the whole graph goes to tsx
            return { path: args.path, external: true }
          }
          deps.add(found.path)
          return { path: pathToFileURL(out).href, external: true }
        }
        return { path: pathToFileURL(found.path).href, external: true }
      })
    },
  }
}

/** What Node is left to report when esbuild finds nothing: the specifier as the source file would have resolved it. */
function unresolved(spec: string, file: string): string {
  return spec.startsWith('.') || spec.startsWith('/') ? new URL(spec, pathToFileURL(file)).href : spec
}

function buildError(error: unknown): Error {
  const first = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0]
  if (!first) return error as Error
  const at = first.location ? `${relative(process.cwd(), first.location.file) || first.location.file}:${first.location.line}:${first.location.column + 1}: ` : ''
  return new TypeScriptBuildError(`${at}${first.text}`)
}

/** Files Node loads as ESM: `.mts`, or `.ts`/`.tsx` under a package.json with `"type": "module"` (the rest stays with tsx, as CommonJS). */
function builds(file: string): boolean {
  const ext = extname(file)
  if (ext === '.mts') return true
  if (ext !== '.ts' && ext !== '.tsx') return false
  const pkg = nearest(dirname(file), 'package.json')
  if (!pkg) return false
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module'
  } catch {
    return false
  }
}

const made = new Set<string>()

/**
 * Where a file's build goes: the cache folder under the nearest
 * `node_modules` above it (the project's), one name per source path.
 * Undefined when the file is not one this cache builds, or there is no
 * folder to write to (a read-only deploy: tsx compiles in memory instead).
 */
function outputFor(file: string): string | undefined {
  const modules = builds(file) ? nearest(dirname(file), 'node_modules') : undefined
  if (!modules) return undefined
  const dir = join(modules, '.cache', 'serval', 'ts')
  try {
    if (!made.has(dir)) mkdirSync(dir, { recursive: true })
    made.add(dir)
  } catch {
    return undefined
  }
  const id = createHash('sha256').update(file).digest('hex').slice(0, 16)
  return join(dir, `${basename(file).replace(/\.[^.]+$/, '')}-${id}.mjs`)
}

function nearest(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, name)
    if (existsSync(candidate)) return candidate
    if (dirname(current) === current) return undefined
  }
}

/** The resolution conditions Node runs with (`--conditions`/`-C` in execArgv or NODE_OPTIONS). */
function conditions(): string[] {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    const inline = /^(?:--conditions|-C)=(.+)$/.exec(arg)
    if (inline) out.push(inline[1] as string)
    else if ((arg === '--conditions' || arg === '-C') && args[i + 1]) out.push(args[++i] as string)
  }
  return out
}
