import { readdirSync, realpathSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { App } from '../../app/app.ts'
import { ServalError } from '../../errors/index.ts'
import { functionRoots, isDirectory } from '../folders.ts'

/**
 * The `static/` folders an app serves at `/static/`: the one of each
 * function dir, and the one beside each action file (so `examples/web/` is
 * served whether `examples` or `examples/web` is the function dir). Real
 * paths, each once, sorted. Their files merge into one URL space: a
 * relative path in two of them fails startup, naming both files, rather
 * than one silently hiding the other.
 *
 * @example
 * ```ts
 * staticRoots(app) // ['/abs/examples/web/static']
 * ```
 */
export function staticRoots(app: App): string[] {
  const folders = new Set(functionRoots(app))
  for (const action of app.registry.list()) if (action.file) folders.add(dirname(resolve(app.cwd, action.file)))
  const roots = [...folders].map((f) => join(f, 'static')).filter(isDirectory)
  const unique = [...new Set(roots.map((r) => realpathSync(r)))].sort()
  checkClashes(app, unique)
  return unique
}

function checkClashes(app: App, roots: readonly string[]): void {
  const owner = new Map<string, string>()
  for (const root of roots) {
    for (const file of listFiles(root)) {
      const first = owner.get(file)
      if (first !== undefined) {
        const names = [join(first, file), join(root, file)].map((p) => relative(app.cwd, p))
        throw new ServalError('conflict', { title: 'Duplicate static file', detail: `/static/${file} is both ${names[0]} and ${names[1]}: rename or remove one` })
      }
      owner.set(file, root)
    }
  }
}

/** Every servable file under a folder, relative, with `/` separators (dot-entries are never served, so never clash). */
function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    if (entry.isDirectory()) out.push(...listFiles(root, rel))
    else out.push(rel)
  }
  return out
}
