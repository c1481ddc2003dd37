import { relative, resolve } from 'node:path'
import { findActionFiles, importFile } from '../discovery/discover.ts'
import { ServalError } from '../errors/index.ts'
import { isResource, type Resource } from './define.ts'

/** A discovered resource and where it was exported. */
export interface ResourceSource {
  readonly resource: Resource
  readonly file?: string
}

/**
 * Finds every exported resource in the function directories, beside the
 * actions (the same files, already imported by action discovery), in file
 * then export order: the order they open in. Two resources with one name
 * are an error naming both files.
 *
 * @example
 * ```ts
 * const sources = await discoverResources(['examples'])
 * ```
 */
export async function discoverResources(dirs: readonly string[], cwd = process.cwd()): Promise<ResourceSource[]> {
  const sources: ResourceSource[] = []
  const files = [...new Set(dirs.flatMap((d) => findActionFiles(resolve(cwd, d))))]
  for (const file of files) {
    for (const value of Object.values(await importFile(file, cwd))) {
      if (!isResource(value) || sources.some((s) => s.resource === value)) continue
      const source = { resource: value, file: relative(cwd, file) || file }
      const clash = sources.find((s) => s.resource.name === value.name)
      if (clash) throw new ServalError('bad-request', { title: 'Duplicate resource', detail: `Two resources are named "${value.name}": in ${clash.file} and ${source.file}` })
      sources.push(source)
    }
  }
  return sources
}
