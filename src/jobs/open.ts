import type { App } from '../app/app.ts'
import { EmbeddedBackend } from './embedded/backend.ts'
import type { JobBackend } from './types.ts'

/**
 * The backend the settings ask for: BullMQ with `redis_url`, else the
 * embedded journal in `data_dir`.
 *
 * @example
 * ```ts
 * const backend = await openBackend(app)
 * ```
 */
export async function openBackend(app: App): Promise<JobBackend> {
  if (app.settings.redis_url) {
    const { RedisBackend } = await import('./redis/backend.ts')
    return RedisBackend.open(app, app.settings.redis_url)
  }
  return EmbeddedBackend.open(app)
}
