import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import type { Settings } from '../config/definitions.ts'
import type { ResultCache } from '../core/invoke.ts'
import { DiskCacheStore } from './disk-store.ts'
import { RedisCacheStore } from './redis-store.ts'
import { ResultCacheStep } from './step.ts'

export { cacheKey, canonicalJson, storageName } from './key.ts'

/**
 * The result cache of an app: Redis with `redis_url`, else an LRU of
 * `cache_max_entries` (and `cache_max_bytes`) over `data_dir/cache`; a
 * result over `cache_max_entry_bytes` is never kept.
 *
 * @example
 * ```ts
 * const cache = createResultCache({ settings, logger, version: 'zQm…', authOn: false, cwd })
 * ```
 */
export function createResultCache(options: { settings: Settings; logger: Logger; version: string; authOn: boolean; cwd: string; observe?: ((action: string, hit: boolean) => void) | undefined }): ResultCache {
  const { settings, logger } = options
  const store = settings.redis_url
    ? new RedisCacheStore(settings.redis_url, settings.redis_prefix, options.version, logger, settings.cache_max_entry_bytes)
    : new DiskCacheStore(join(resolve(options.cwd, settings.data_dir), 'cache'), { maxEntries: settings.cache_max_entries, maxBytes: settings.cache_max_bytes, maxEntryBytes: settings.cache_max_entry_bytes }, options.version, logger)
  return new ResultCacheStep(store, options.authOn, logger, options.observe)
}
