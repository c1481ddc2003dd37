import { relative } from 'node:path'
import { importFile, sourceFiles, type DiscoverOptions } from '../discovery/discover.ts'
import { isChannel } from './define.ts'
import type { AnyChannel, ChannelSource } from './types.ts'

/**
 * Finds every exported channel in the function directories, beside the
 * actions (the same files, already imported by action discovery). The same
 * channel re-exported elsewhere counts once.
 *
 * @example
 * ```ts
 * const sources = await discoverChannels(['examples'])
 * ```
 */
export async function discoverChannels(dirs: readonly string[], cwd = process.cwd(), options: DiscoverOptions = {}): Promise<ChannelSource[]> {
  const seen = new Set<AnyChannel>()
  const sources: ChannelSource[] = []
  for (const file of sourceFiles(dirs, cwd, options)) {
    for (const [exportName, value] of Object.entries(await importFile(file, cwd, options.generation))) {
      if (!isChannel(value) || seen.has(value)) continue
      seen.add(value)
      sources.push({ channel: value, exportName, file: relative(cwd, file) || file })
    }
  }
  return sources
}
