import type { Settings } from './definitions.ts'

/**
 * `public_base_url` without its trailing slashes, ready to prefix a path
 * (`${base}/openapi.json`), or undefined when unset: then links stay
 * relative and the client resolves them against the URL it used.
 *
 * @example
 * ```ts
 * publicBaseUrl({ ...settings, public_base_url: 'https://api.example.com/' }) // 'https://api.example.com'
 * ```
 */
export function publicBaseUrl(settings: Pick<Settings, 'public_base_url'>): string | undefined {
  return settings.public_base_url?.replace(/\/+$/, '')
}
