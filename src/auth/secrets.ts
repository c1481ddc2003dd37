import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import type { Settings } from '../config/definitions.ts'
import { SettingsError } from '../config/parse.ts'

/**
 * The HS256 secret for `auth_mode=jwt`. Outside dev mode a missing secret
 * is a startup error (exit 2) naming `SERVAL_JWT_SECRET`; in dev mode one is
 * generated for this process and printed, so tokens can be minted by hand.
 *
 * @example
 * ```ts
 * const secret = jwtSecret(settings, logger)
 * ```
 */
export function jwtSecret(settings: Settings, logger: Logger): string {
  if (settings.jwt_secret) {
    if (settings.jwt_secret.length < 32) logger.warn('jwt_secret is shorter than 32 characters: HS256 tokens signed with it can be brute-forced')
    return settings.jwt_secret
  }
  if (!settings.dev_mode) throw new SettingsError('SERVAL_JWT_SECRET', 'is required when auth_mode=jwt (set it, or use dev mode to generate one)')
  const secret = randomBytes(32).toString('base64url')
  logger.warn({ jwtSecret: secret }, `dev mode: no jwt_secret set; generated one for this process: ${secret}`)
  return secret
}

/**
 * The password of the dev-mode token endpoint: `debug_password`
 * (`SERVAL_DEBUG_PASSWORD`), else generated and printed at startup.
 *
 * @example
 * ```ts
 * const password = debugPassword(settings, logger)
 * ```
 */
export function debugPassword(settings: Settings, logger: Logger): string {
  if (settings.debug_password) return settings.debug_password
  const password = randomBytes(12).toString('base64url')
  logger.warn(`dev mode: POST /auth/token (docs UI "Authorize") accepts any username with password: ${password}`)
  return password
}

/**
 * For `serval dev` with reload: the supervisor picks the generated jwt
 * secret and debug password once and hands them to every restarted child
 * through the environment, so tokens from the docs UI survive a reload.
 * Prints them once; returns the variables to set (none when configured).
 *
 * @example
 * ```ts
 * spawn(process.execPath, args, { env: { ...process.env, ...devAuthEnv(settings) } })
 * ```
 */
export function devAuthEnv(settings: Settings, print: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Record<string, string> {
  if (settings.auth_mode !== 'jwt') return {}
  const env: Record<string, string> = {}
  if (!settings.jwt_secret) env.SERVAL_JWT_SECRET = randomBytes(32).toString('base64url')
  if (!settings.debug_password) env.SERVAL_DEBUG_PASSWORD = randomBytes(12).toString('base64url')
  if (env.SERVAL_JWT_SECRET) print(`serval dev: generated jwt_secret for this session: ${env.SERVAL_JWT_SECRET}`)
  if (env.SERVAL_DEBUG_PASSWORD) print(`serval dev: POST /auth/token (docs UI "Authorize") accepts any username with password: ${env.SERVAL_DEBUG_PASSWORD}`)
  return env
}
