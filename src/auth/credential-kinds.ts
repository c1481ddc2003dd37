import { join } from 'node:path'
import { SettingsError } from '../config/parse.ts'
import type { Security } from '../core/security.ts'
import { ApiKeys } from './api-keys.ts'
import { BasicUsers } from './basic-users.ts'
import { readApiKeysFile, readBasicUsersFile } from './credential-files.ts'
import { CredentialSecurity, type CredentialKinds } from './credential-security.ts'
import type { SecurityOptions } from './create.ts'
import { RedisSessionStore } from './session-redis.ts'
import { FileSessionStore } from './session-store.ts'
import { Sessions } from './sessions.ts'

/**
 * The API keys, Basic users and sessions the settings ask for, read and
 * checked now (startup); undefined when none is configured.
 * `session_secret` needs `basic_users_file`: sessions log its users in.
 *
 * @example
 * ```ts
 * const kinds = await credentialKinds({ settings, logger }) // { apiKeys, basic, sessions } or undefined
 * ```
 */
export async function credentialKinds(options: SecurityOptions): Promise<CredentialKinds | undefined> {
  const { settings: s, logger, now } = options
  if (!s.api_keys_file && !s.basic_users_file && !s.session_secret) return undefined
  const apiKeys = s.api_keys_file ? new ApiKeys(readApiKeysFile(s.api_keys_file)) : undefined
  const basic = s.basic_users_file ? new BasicUsers(readBasicUsersFile(s.basic_users_file), now) : undefined
  if (!s.session_secret) return { apiKeys, basic }
  if (!basic) throw new SettingsError('SERVAL_SESSION_SECRET', 'needs basic_users_file: POST /auth/login checks its users')
  const store = s.redis_url ? new RedisSessionStore(s.redis_url, s.redis_prefix, logger, now) : new FileSessionStore(join(s.data_dir, 'sessions'), now)
  return { apiKeys, basic, sessions: new Sessions({ secret: s.session_secret, ttlS: s.session_ttl_s, store, users: basic, ...(now ? { now } : {}) }) }
}

/**
 * The credential kinds of an app's security, when it reads any (the login
 * routes, OpenAPI and the HTTP cookie refresh ask).
 *
 * @example
 * ```ts
 * const sessions = kindsOf(app.security)?.sessions
 * ```
 */
export function kindsOf(security: Security): CredentialKinds | undefined {
  return security instanceof CredentialSecurity ? security.kinds : undefined
}
