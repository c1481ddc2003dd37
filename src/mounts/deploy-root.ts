import { realpathSync, statSync } from 'node:fs'
import { isAbsolute, resolve, sep } from 'node:path'
import type { IssueLike } from './errors.ts'

/**
 * Resolves the dirs of a deploy under `deploy_root`: each must be relative,
 * without `..`, and still under the root once symlinks are followed (a link
 * out of it is refused), and an existing directory. Returns the real paths,
 * or the issues (JSON Pointers into the body: `/dirs/1`).
 *
 * @example
 * ```ts
 * underDeployRoot('/srv/deploy', ['billing']) // { dirs: ['/srv/deploy/billing'] }
 * underDeployRoot('/srv/deploy', ['../etc']) // { issues: [{ path: '/dirs/0', message: … }] }
 * ```
 */
export function underDeployRoot(root: string, dirs: readonly string[]): { dirs: string[]; issues: IssueLike[] } {
  const issues: IssueLike[] = []
  const out: string[] = []
  let realRoot: string
  try {
    realRoot = realpathSync(root)
  } catch {
    return { dirs: [], issues: [{ path: '/dirs', message: 'deploy_root does not exist on the server' }] }
  }
  dirs.forEach((dir, i) => {
    const problem = dirProblem(realRoot, dir)
    if (typeof problem === 'string') issues.push({ path: `/dirs/${i}`, message: problem })
    else out.push(problem.real)
  })
  return { dirs: out, issues }
}

function dirProblem(realRoot: string, dir: string): string | { real: string } {
  if (isAbsolute(dir) || /^[A-Za-z]:/.test(dir)) return 'must be relative to deploy_root'
  if (dir.split(/[\\/]/).includes('..')) return 'must not contain ..'
  let real: string
  try {
    real = realpathSync(resolve(realRoot, dir))
  } catch {
    return 'no such directory under deploy_root'
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return 'leads out of deploy_root (a symbolic link)'
  if (!statSync(real).isDirectory()) return 'must be a directory'
  return { real }
}
