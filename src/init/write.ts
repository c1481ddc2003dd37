import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { projectFiles, publishedServal } from './templates.ts'

/** What `initProject` is told. */
export interface InitOptions {
  /** The `serval` dependency; default the published range of this Serval. A path becomes `file:<absolute path>`. */
  readonly serval?: string
  /** The package name; default the folder's name. */
  readonly name?: string
}

/** What `initProject` did. */
export interface InitResult {
  readonly dir: string
  /** The files written, relative to `dir`, in order. */
  readonly files: readonly string[]
}

/**
 * Files that are already there: `initProject` refuses to write any file
 * while one of them exists, and names them all.
 *
 * @example
 * ```ts
 * try { initProject('my-api') } catch (e) { if (e instanceof ExistingFilesError) console.error(e.files) }
 * ```
 */
export class ExistingFilesError extends Error {
  constructor(
    readonly dir: string,
    readonly files: readonly string[],
  ) {
    super(`${dir}: will not overwrite ${files.join(', ')}; move ${files.length === 1 ? 'it' : 'them'} away or pick another folder`)
    this.name = 'ExistingFilesError'
  }
}

/**
 * Writes a minimal working project into `dir` (created if missing):
 * package.json, actions/hello.ts, test/examples.test.ts, tsconfig.json,
 * .gitignore and a README. Writes nothing when any of them exists.
 *
 * @example
 * ```ts
 * const { files } = initProject('my-api') // then: cd my-api && npm install && npm start
 * ```
 */
export function initProject(dir: string, options: InitOptions = {}): InitResult {
  const root = resolve(dir)
  const files = projectFiles({ name: options.name ?? packageName(root), serval: servalSpec(options.serval) })
  const existing = Object.keys(files).filter((file) => existsSync(join(root, file)))
  if (existing.length) throw new ExistingFilesError(dir, existing)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), text, { flag: 'wx' })
  }
  return { dir: root, files: Object.keys(files) }
}

/** A version range stays as it is; a path (`.`, `/`, `file:`) becomes `file:` + its absolute form. */
function servalSpec(spec: string | undefined): string {
  if (spec === undefined) return publishedServal()
  const path = spec.startsWith('file:') ? spec.slice(5) : /^[./~]/.test(spec) ? spec : undefined
  return path === undefined ? spec : `file:${resolve(path)}`
}

/** npm's rules, roughly: lower case, url-safe, no leading dot or underscore. */
function packageName(root: string): string {
  const name = basename(root).toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[._-]+/, '')
  return name || 'serval-app'
}
