import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import { SettingsError } from '../config/parse.ts'
import { passwordHashKind } from './passwords.ts'

/** One entry of `api_keys_file`: the SHA-256 of a key (never the key) and whom it stands for. */
export interface ApiKeyEntry {
  readonly keySha256: string
  readonly sub: string
  readonly scopes: readonly string[]
  readonly groups: readonly string[]
}

/** One entry of `basic_users_file`: a user and the argon2id or scrypt hash of their password. */
export interface BasicUserEntry {
  readonly username: string
  readonly passwordHash: string
  readonly scopes: readonly string[]
  readonly groups: readonly string[]
}

type Raw = Record<string, unknown>

// An empty X-API-Key header must never match.
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/**
 * Reads `api_keys_file` (YAML or JSON: `[{ key_sha256, sub, scopes, groups? }]`).
 * Any mistake is a startup error naming the setting, the file and the
 * entry: a key that is not 64 lowercase hex digits (a plain key pasted in
 * by mistake), a missing `sub`, a repeated key.
 *
 * @example
 * ```ts
 * const keys = readApiKeysFile('config/api-keys.yaml')
 * ```
 */
export function readApiKeysFile(file: string, cwd = process.cwd()): ApiKeyEntry[] {
  const seen = new Set<string>()
  return readEntries('SERVAL_API_KEYS_FILE', file, cwd, (raw, where) => {
    const keySha256 = raw.key_sha256
    if (typeof keySha256 !== 'string' || !/^[0-9a-f]{64}$/.test(keySha256)) {
      throw where('key_sha256 must be the SHA-256 of the key as 64 lowercase hex digits (e.g. printf %s "$KEY" | sha256sum), never the key itself')
    }
    if (keySha256 === EMPTY_SHA256) throw where('key_sha256 is the SHA-256 of the empty key')
    if (seen.has(keySha256)) throw where('repeats the key_sha256 of an earlier entry')
    seen.add(keySha256)
    return { keySha256, sub: nonEmpty(raw, 'sub', where), scopes: stringList(raw, 'scopes', where), groups: stringList(raw, 'groups', where) }
  })
}

/**
 * Reads `basic_users_file` (YAML or JSON: `[{ username, password_hash, scopes, groups? }]`).
 * A `password_hash` that is not an argon2id or scrypt hash (e.g. a plain
 * password) is a startup error naming the file and the entry, never
 * accepted: the file must never hold a password.
 *
 * @example
 * ```ts
 * const users = readBasicUsersFile('config/users.yaml')
 * ```
 */
export function readBasicUsersFile(file: string, cwd = process.cwd()): BasicUserEntry[] {
  const seen = new Set<string>()
  return readEntries('SERVAL_BASIC_USERS_FILE', file, cwd, (raw, where) => {
    const username = nonEmpty(raw, 'username', where)
    if (username.includes(':')) throw where('username may not contain ":" (Basic auth splits on it)')
    if (seen.has(username)) throw where(`repeats the username "${username}"`)
    seen.add(username)
    const passwordHash = raw.password_hash
    if (typeof passwordHash !== 'string' || passwordHashKind(passwordHash) === undefined) {
      throw where('password_hash must be an argon2id or scrypt hash ($argon2id$… or $scrypt$…, made by `serval hash-password`), never a password')
    }
    return { username, passwordHash, scopes: stringList(raw, 'scopes', where), groups: stringList(raw, 'groups', where) }
  })
}

type Where = (problem: string) => SettingsError

function readEntries<T>(setting: string, file: string, cwd: string, entry: (raw: Raw, where: Where) => T): T[] {
  const path = resolve(cwd, file)
  const fail = (problem: string) => new SettingsError(setting, `${path}: ${problem}`)
  let parsed: unknown
  try {
    parsed = parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw fail((error as Error).message.split('\n')[0] ?? 'cannot be read')
  }
  if (!Array.isArray(parsed)) throw fail('must be a list of entries (YAML or JSON)')
  return parsed.map((raw: unknown, index) => {
    const where: Where = (problem) => fail(`entry ${index + 1}: ${problem}`)
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw where('must be an object')
    return entry(raw as Raw, where)
  })
}

function nonEmpty(raw: Raw, name: string, where: Where): string {
  const value = raw[name]
  if (typeof value !== 'string' || value.trim() === '') throw where(`${name} must be a non-empty string`)
  return value
}

/** `scopes`/`groups`: a list of strings, or one space-separated string as in a token's `scope` claim. */
function stringList(raw: Raw, name: string, where: Where): string[] {
  const value = raw[name]
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean)
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '')) return [...(value as string[])]
  throw where(`${name} must be a list of strings`)
}
