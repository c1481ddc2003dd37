import type { Settings } from './definitions.ts'

/**
 * `public_base_url` (then `base_path`) without trailing slashes, ready to prefix a path
 * (`${base}/openapi.json`): a path alone (`/billing`) when only `base_path` is set, undefined when neither is: then links stay
 * relative and the client resolves them against the URL it used.
 *
 * @example
 * ```ts
 * publicBaseUrl({ ...settings, public_base_url: 'https://api.example.com/' }) // 'https://api.example.com'
 * ```
 */
export function publicBaseUrl(settings: Pick<Settings, 'public_base_url' | 'base_path'>): string | undefined {
  const path = basePath(settings)
  const url = settings.public_base_url?.replace(/\/+$/, '')
  return url === undefined ? path || undefined : `${url}${path}`
}

/**
 * `base_path` as a prefix: `''`, or `/billing` (leading slash, no trailing
 * one). A mount's app has its prefix here; links it builds start with it.
 *
 * @example
 * ```ts
 * basePath({ base_path: 'billing/' }) // '/billing'
 * ```
 */
export function basePath(settings: Pick<Settings, 'base_path'>): string {
  const trimmed = (settings.base_path ?? '').replace(/^\/+|\/+$/g, '')
  return trimmed ? `/${trimmed}` : ''
}
