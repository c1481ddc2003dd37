import * as nodeModule from 'node:module'
import { resolve, sep } from 'node:path'
import { FRESH_PARAM } from '../discovery/discover.ts'
import { CACHE_URL_PART } from '../discovery/ts-cache.ts'

/** Serval's own code (src/ or dist/): this module's folder's parent. */
const SERVAL_CODE = new URL('../', import.meta.url).href

// A resolve hook, run by Node on its loader thread: a module imported with
// ?serval-gen=N passes N on to every relative file it imports (never to
// node_modules, nor to Serval's own modules; the builds of users' TypeScript
// files under node_modules/.cache/serval/ts are users' files), so a reload re-imports the whole graph of the user's own
// files, not just the entry files. Stateless: the generation travels in the
// parent's URL, so concurrent loads (a reload, a deploy) never mix.
// Serval itself is shared by every generation even when it is not under
// node_modules (this repository's examples, a workspace link): re-importing
// it cost most of a reload (its ~300 modules compiled again) and gave each
// generation its own ServalError class.
const HOOKS = `
const PARAM = ${JSON.stringify(FRESH_PARAM)}
const SERVAL = ${JSON.stringify(SERVAL_CODE)}
const BUILDS = ${JSON.stringify(CACHE_URL_PART)}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  const parent = context.parentURL
  if (!parent || !parent.includes(PARAM + '=') || !result.url.startsWith('file:')) return result
  if ((result.url.includes('/node_modules/') && !result.url.includes(BUILDS)) || result.url.includes('?') || result.url.startsWith(SERVAL)) return result
  const generation = new URL(parent).searchParams.get(PARAM)
  return generation ? { ...result, url: result.url + '?' + PARAM + '=' + generation } : result
}
`

let registered = false

/**
 * Makes fresh imports reach the user's whole module graph: after this, a
 * file imported as `file.ts?serval-gen=7` imports its relative
 * dependencies as generation 7 too. Registered once, by the first reload
 * or deploy; without it only the entry files would be re-read. Where Node
 * cannot register hooks (an embedding runtime), entry files still reload.
 *
 * @example
 * ```ts
 * registerFreshImports()
 * await loadApp({ settings, dirs, discover: { generation: '2' } })
 * ```
 */
export function registerFreshImports(): void {
  if (registered) return
  registered = true
  const register = (nodeModule as { register?: (url: string) => void }).register
  register?.(`data:text/javascript,${encodeURIComponent(HOOKS)}`)
}

let counter = 0

/**
 * A new generation key for a fresh import: unique within the process.
 *
 * @example
 * ```ts
 * nextGeneration() // '1', then '2'…
 * ```
 */
export function nextGeneration(): string {
  registerFreshImports()
  return String(++counter)
}

/**
 * Forgets the CommonJS modules under `dirs` (a project without
 * `"type": "module"`: tsx loads its .ts files as CommonJS, through
 * `require`, which the import hook never sees), so the next load reads them again.
 *
 * @example
 * ```ts
 * forgetRequired(['/abs/actions'])
 * ```
 */
export function forgetRequired(dirs: readonly string[]): void {
  const cache = nodeModule.createRequire(import.meta.url).cache
  const roots = dirs.map((d) => resolve(d) + sep)
  for (const file of Object.keys(cache)) if (roots.some((r) => file.startsWith(r)) && !file.includes(`${sep}node_modules${sep}`)) delete cache[file]
}
