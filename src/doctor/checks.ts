import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { Redis } from 'ioredis'
import { discoveryUrl, readDiscovery } from '../auth/verify-oidc.ts'
import { discoverChannels } from '../channels/discover.ts'
import type { LoadedSettings } from '../config/load.ts'
import { buildRegistry } from '../core/registry.ts'
import { discoverActions, noActionsError } from '../discovery/discover.ts'
import { redact } from '../jobs/redis/redact.ts'
import { failed, ok, reason, skipped, within, type CheckResult } from './check.ts'

const TIMEOUT_MS = 3000

/**
 * Node is new enough for Serval (its package.json `engines.node`, `>=X.Y`).
 *
 * @example
 * ```ts
 * checkNode('v18.19.0') // { status: 'fail', message: 'Node v18.19.0 is older than Serval needs (>=20.10)', fix: … }
 * ```
 */
export function checkNode(version = process.version): CheckResult {
  const wanted = (createRequire(import.meta.url)('../../package.json') as { engines: { node: string } }).engines.node
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  const [wMajor = 0, wMinor = 0] = wanted.replace(/^>=\s*/, '').split('.').map(Number)
  if (major > wMajor || (major === wMajor && minor >= wMinor)) return ok(`Node ${version} (Serval needs ${wanted})`)
  return failed(`Node ${version} is older than Serval needs (${wanted})`, `install Node ${wanted.replace(/^>=\s*/, '')} or newer (e.g. the current LTS)`)
}

/** data_dir (jobs, results, assets, cache) exists or can be made, and takes a file. */
export function checkDataDir({ settings, sources }: LoadedSettings, cwd: string): CheckResult {
  const dir = resolve(cwd, settings.data_dir)
  const probe = join(dir, `.doctor-${process.pid}`)
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(probe, 'ok')
    rmSync(probe)
    return ok(`data_dir ${settings.data_dir} is writable`)
  } catch (error) {
    return failed(`data_dir ${settings.data_dir} (${sources.data_dir}) is not writable: ${reason(error)}`, 'point data_dir (--data-dir, SERVAL_DATA_DIR) at a folder this user may write, or fix its permissions')
  }
}

/** Redis answers PING at redis_url, when it is set. */
export async function checkRedis({ settings, sources }: LoadedSettings): Promise<CheckResult> {
  const url = settings.redis_url
  if (!url) return skipped('redis_url is not set: jobs, schedules and channels run embedded (data_dir)')
  const shown = redact(url)
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: TIMEOUT_MS, enableOfflineQueue: false })
  // ioredis rejects with "Connection is closed."; the socket's own error says why.
  let cause: unknown
  redis.on('error', (error: unknown) => (cause ??= error))
  try {
    await within(redis.connect(), TIMEOUT_MS)
    await within(redis.ping(), TIMEOUT_MS)
    return ok(`Redis at ${shown} answers`)
  } catch (error) {
    return failed(`Redis at ${shown} (redis_url, ${sources.redis_url}) is unreachable: ${reason(cause ?? error)}`, 'start Redis there, fix redis_url (--redis-url, SERVAL_REDIS_URL), or unset it to run embedded')
  } finally {
    redis.disconnect()
  }
}

/** The OIDC issuer's discovery document answers with an issuer and a jwks_uri, when auth_mode=oidc. */
export async function checkOidc({ settings, sources }: LoadedSettings): Promise<CheckResult> {
  if (settings.auth_mode !== 'oidc') return skipped(`auth_mode is ${settings.auth_mode}: no OIDC issuer to reach`)
  if (!settings.oidc_url) return failed('auth_mode is oidc but oidc_url is not set', 'set oidc_url (--oidc-url, SERVAL_OIDC_URL) to the issuer URL')
  const url = discoveryUrl(settings.oidc_url)
  try {
    const doc = await readDiscovery(settings.oidc_url, TIMEOUT_MS)
    return ok(`OIDC discovery at ${url} answers (issuer ${doc.issuer})`)
  } catch (error) {
    return failed(`OIDC discovery at ${url} (oidc_url, ${sources.oidc_url}) failed: ${reason(error)}`, 'check oidc_url (--oidc-url, SERVAL_OIDC_URL) is the issuer URL and reachable from here')
  }
}

/** Every file of the function dirs imports, and the actions compile (names, schemas). */
export async function checkFunctionDirs(dirs: readonly string[], cwd: string): Promise<CheckResult> {
  const where = dirs.join(', ')
  try {
    const actions = await discoverActions(dirs, cwd)
    const channels = await discoverChannels(dirs, cwd)
    if (actions.length === 0 && channels.length === 0) throw noActionsError(dirs, cwd)
    const registry = await buildRegistry(actions)
    return ok(`function dirs ${where}: ${registry.size} action${registry.size === 1 ? '' : 's'}${channels.length ? `, ${channels.length} channel${channels.length === 1 ? '' : 's'}` : ''} load`)
  } catch (error) {
    return failed(`function dirs ${where} do not load: ${reason(error)}`, 'fix the file named above (`serval dev` shows it again on every save)')
  }
}

