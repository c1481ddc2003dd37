import { readFileSync } from 'node:fs'
import { extname, isAbsolute, join, resolve } from 'node:path'
import { ACTION_BRAND, type ActionDef, type AnyAction } from '../action/types.ts'
import type { ActionSource } from '../core/registry.ts'
import { cacheKey, readEntry, writeEntry, type CacheEntry } from './cache.ts'
import type { DerivedSchemas } from './derive.ts'
import { deriveInWorker } from './derive-in-worker.ts'
import { typescriptVersion } from './program.ts'

const TS = new Set(['.ts', '.mts', '.cts'])

/** Counts compiler runs, so tests can tell a cached start from a derivation. */
export const derivationStats = { programs: 0 }

/** Where `deriveTypeSchemas` keeps its cache, and what relative files are relative to. */
export interface DeriveOptions {
  readonly dataDir: string
  readonly cwd: string
}

/**
 * Gives every action of a TypeScript file that declares neither `input`
 * nor `output` the schemas of its handler's types (see docs/types.md):
 * the result is an action with written JSON Schemas, so validation,
 * serialisation and documentation take the same path as any other. The
 * compiler is loaded only on a cache miss, and only when such an action
 * exists; `data_dir/types-schema/<hash>.json` makes the next start free.
 *
 * @example
 * ```ts
 * const sources = await deriveTypeSchemas(await discoverActions(dirs), { dataDir: '.serval', cwd })
 * ```
 */
export async function deriveTypeSchemas(sources: readonly ActionSource[], options: DeriveOptions): Promise<ActionSource[]> {
  const byFile = new Map<string, ActionSource[]>()
  for (const s of sources) if (isTypesOnly(s)) byFile.set(absolute(s.file!, options.cwd), [...(byFile.get(absolute(s.file!, options.cwd)) ?? []), s])
  if (byFile.size === 0) return [...sources]
  const dir = join(resolve(options.cwd, options.dataDir), 'types-schema')
  const derived = await entriesFor(byFile, dir)
  return sources.map((s) => {
    const schemas = isTypesOnly(s) ? derived.get(absolute(s.file!, options.cwd))?.actions[s.exportName] : undefined
    return schemas ? { ...s, action: withSchemas(s.action, schemas) } : s
  })
}

function isTypesOnly(source: ActionSource): boolean {
  const def = source.action.def
  return !source.internal && !!source.file && TS.has(extname(source.file)) && def.input === undefined && def.output === undefined
}

function absolute(file: string, cwd: string): string {
  return isAbsolute(file) ? file : resolve(cwd, file)
}

async function entriesFor(byFile: Map<string, ActionSource[]>, dir: string): Promise<Map<string, CacheEntry>> {
  const version = typescriptVersion()
  const out = new Map<string, CacheEntry>()
  const misses: string[] = []
  const keys = new Map<string, string>() // each file read once: its key serves the lookup and the write
  for (const file of byFile.keys()) {
    const key = cacheKey(readFileSync(file, 'utf8'), version)
    keys.set(file, key)
    const hit = readEntry(dir, key)
    if (hit && byFile.get(file)!.every((s) => s.exportName in hit.actions)) out.set(file, hit)
    else misses.push(file)
  }
  if (misses.length === 0) return out
  derivationStats.programs++
  const derived = await deriveInWorker(misses.map((file) => ({ file, actions: byFile.get(file)!.map((s) => ({ exportName: s.exportName, label: describe(s) })) })))
  for (const file of misses) {
    const entry = derived[file]
    if (!entry) continue
    writeEntry(dir, keys.get(file)!, entry)
    out.set(file, entry)
  }
  return out
}

function describe(source: ActionSource): string {
  return `action "${source.action.def.name ?? source.exportName}" (in ${source.file})`
}

/** The same action with written schemas; the JSDoc fills what the definition leaves unset. */
function withSchemas(action: AnyAction, schemas: DerivedSchemas): AnyAction {
  const def: ActionDef = {
    ...action.def,
    ...(schemas.input ? { input: schemas.input } : {}),
    ...(schemas.output ? { output: schemas.output } : {}),
    ...(action.def.description === undefined && schemas.description ? { description: schemas.description } : {}),
    ...(action.def.examples === undefined && schemas.examples ? { examples: schemas.examples } : {}),
  }
  return Object.freeze({ [ACTION_BRAND]: true as const, def, handler: action.handler })
}
