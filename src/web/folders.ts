import { statSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import type { App } from '../app/app.ts'

/**
 * The function folders of an action file, nearest first: the file's own
 * folder, then each parent up to (and with) the function dir that holds
 * it. A page's `templates/` is looked up along this chain, so a nested
 * folder can keep its own templates and share the function dir's.
 *
 * @example
 * ```ts
 * folderChain(app, 'examples/web/guestbook.ts') // ['/abs/examples/web', '/abs/examples']
 * ```
 */
export function folderChain(app: App, file: string): string[] {
  const start = dirname(resolve(app.cwd, file))
  const root = functionRoots(app).find((r) => start === r || isInside(start, r))
  if (root === undefined) return [start]
  const chain = [start]
  for (let dir = start; dir !== root; ) chain.push((dir = dirname(dir)))
  return chain
}

/**
 * The function dirs that are folders, absolute (a function dir may be a single file).
 *
 * @example
 * ```ts
 * functionRoots(app) // ['/abs/examples']
 * ```
 */
export function functionRoots(app: App): string[] {
  return app.settings.function_dirs.map((d) => resolve(app.cwd, d)).filter(isDirectory)
}

/** True when `path` lies under `folder` (never `folder` itself). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

/** True for an existing folder. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** True for an existing regular file. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
