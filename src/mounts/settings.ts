import { join, resolve } from 'node:path'
import type { Settings } from '../config/definitions.ts'
import type { MountSpec } from '../config/mounts.ts'

/**
 * The settings of a mount's app: the root's, with the mount's overrides
 * (auth mode, CORS origins, rate limit), its prefix as `base_path`, and
 * stores of its own (`data_dir/mounts/<name>`, a Redis prefix per mount), so
 * a mount's jobs and schedules never meet the root's. A mount has no mounts
 * and no admin API.
 *
 * @example
 * ```ts
 * mountSettings(settings, { name: 'billing', prefix: '/billing', dirs: ['billing'], auth_mode: 'jwt' }).base_path // '/billing'
 * ```
 */
export function mountSettings(root: Settings, spec: MountSpec, dirs: readonly string[]): Settings {
  return {
    ...root,
    function_dirs: [...dirs],
    base_path: `${root.base_path.replace(/\/+$/, '')}${spec.prefix}`,
    data_dir: join(root.data_dir, 'mounts', spec.name),
    redis_prefix: `${root.redis_prefix}:mount:${spec.name}`,
    mounts: [],
    admin_api: false,
    ...(spec.auth_mode ? { auth_mode: spec.auth_mode } : {}),
    ...(spec.cors_allowed_origins ? { cors_allowed_origins: [...spec.cors_allowed_origins] } : {}),
    ...(spec.rate_limit ? { rate_limit_max: spec.rate_limit.max, rate_limit_window_s: spec.rate_limit.window_s ?? root.rate_limit_window_s } : {}),
  }
}

/**
 * The absolute dirs of the configured mounts: the root app skips them, so
 * `examples/billing` is served under `/billing` only, not also at the root.
 *
 * @example
 * ```ts
 * const app = await loadApp({ settings, discover: { exclude: mountDirs(settings) } })
 * ```
 */
export function mountDirs(settings: Settings, cwd = process.cwd()): string[] {
  return settings.mounts.flatMap((m) => m.dirs.map((d) => resolve(cwd, d)))
}
