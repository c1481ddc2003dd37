import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SettingsError } from '../config/parse.ts'
import { readApiKeysFile, readBasicUsersFile } from './credential-files.ts'

const sha = (key: string) => createHash('sha256').update(key).digest('hex')
const SCRYPT = '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'
const ARGON = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serval-credential-files-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text)
  return join(dir, name)
}
const json = (name: string, value: unknown) => file(name, JSON.stringify(value))

/** The startup error a file gives, as the operator reads it. */
function refusal(read: () => unknown): SettingsError {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError)
    return error as SettingsError
  }
  throw new Error('expected a startup error')
}

describe('readApiKeysFile', () => {
  it('reads YAML or JSON entries; scopes and groups are lists or one space-separated string, and optional', () => {
    const yaml = file('keys.yaml', `- key_sha256: ${sha('a')}\n  sub: billing\n  scopes: [invoices:read, invoices:write]\n  groups: finance  ops\n- key_sha256: ${sha('b')}\n  sub: cron\n  scopes: ' jobs:run  jobs:read '\n  groups: null\n`)
    expect(readApiKeysFile(yaml)).toEqual([
      { keySha256: sha('a'), sub: 'billing', scopes: ['invoices:read', 'invoices:write'], groups: ['finance', 'ops'] },
      { keySha256: sha('b'), sub: 'cron', scopes: ['jobs:run', 'jobs:read'], groups: [] },
    ])
    expect(readApiKeysFile(json('keys.json', [{ key_sha256: sha('c'), sub: 'x' }]))).toEqual([{ keySha256: sha('c'), sub: 'x', scopes: [], groups: [] }])
  })

  it('resolves a relative path against the given directory, and names the resolved path', () => {
    json('rel.json', [{ key_sha256: sha('a'), sub: 'x' }])
    expect(readApiKeysFile('rel.json', dir)).toHaveLength(1)
    const missing = refusal(() => readApiKeysFile('nope.json', dir))
    expect(missing.origin).toBe('SERVAL_API_KEYS_FILE')
    expect(missing.message).toMatch(new RegExp(`^SERVAL_API_KEYS_FILE: ${join(dir, 'nope.json')}: ENOENT`))
  })

  it('refuses a key that is not a SHA-256 (a pasted key), the empty key, a repeated key, a missing sub, bad scopes', () => {
    const cases: [unknown, string][] = [
      [[{ key_sha256: 'sk_live_plain', sub: 'a' }], 'entry 1: key_sha256 must be the SHA-256 of the key as 64 lowercase hex digits'],
      [[{ key_sha256: sha('a').toUpperCase(), sub: 'a' }], 'entry 1: key_sha256 must be'],
      [[{ key_sha256: `${sha('a')}0`, sub: 'a' }], 'entry 1: key_sha256 must be'],
      [[{ key_sha256: ` ${sha('a')}`, sub: 'a' }], 'entry 1: key_sha256 must be'],
      [[{ key_sha256: 42, sub: 'a' }], 'entry 1: key_sha256 must be'],
      [[{ key_sha256: sha(''), sub: 'a' }], 'entry 1: key_sha256 is the SHA-256 of the empty key'],
      [[{ key_sha256: sha('a'), sub: 'a' }, { key_sha256: sha('a'), sub: 'b' }], 'entry 2: repeats the key_sha256 of an earlier entry'],
      [[{ key_sha256: sha('a') }], 'entry 1: sub must be a non-empty string'],
      [[{ key_sha256: sha('a'), sub: '  ' }], 'entry 1: sub must be a non-empty string'],
      [[{ key_sha256: sha('a'), sub: 7 }], 'entry 1: sub must be a non-empty string'],
      [[{ key_sha256: sha('a'), sub: 'a', scopes: ['ok', ''] }], 'entry 1: scopes must be a list of strings'],
      [[{ key_sha256: sha('a'), sub: 'a', scopes: [1] }], 'entry 1: scopes must be a list of strings'],
      [[{ key_sha256: sha('a'), sub: 'a', groups: { a: 1 } }], 'entry 1: groups must be a list of strings'],
      [[{ key_sha256: sha('a'), sub: 'a' }, 'text'], 'entry 2: must be an object'],
      [[null], 'entry 1: must be an object'],
      [[[sha('a')]], 'entry 1: must be an object'],
      [{ key_sha256: sha('a'), sub: 'a' }, 'must be a list of entries (YAML or JSON)'],
    ]
    for (const [content, problem] of cases) {
      const path = json('keys.json', content)
      const error = refusal(() => readApiKeysFile(path))
      expect(error.message, JSON.stringify(content)).toContain(`SERVAL_API_KEYS_FILE: ${path}: ${problem}`)
    }
  })

  it('a file that is not YAML is refused with the parser\'s first line', () => {
    const error = refusal(() => readApiKeysFile(file('broken.yaml', '- [unclosed\n- x')))
    expect(error.message).toMatch(/broken\.yaml: \S/)
    expect(error.message).not.toContain('\n')
  })
})

describe('readBasicUsersFile', () => {
  it('reads users with argon2id or scrypt hashes', () => {
    const path = json('users.json', [
      { username: 'ada', password_hash: ARGON, scopes: ['notes:read'], groups: ['staff'] },
      { username: 'bob', password_hash: SCRYPT, scopes: 'notes:read notes:write' },
    ])
    expect(readBasicUsersFile(path)).toEqual([
      { username: 'ada', passwordHash: ARGON, scopes: ['notes:read'], groups: ['staff'] },
      { username: 'bob', passwordHash: SCRYPT, scopes: ['notes:read', 'notes:write'], groups: [] },
    ])
    json('rel.json', [{ username: 'ada', password_hash: ARGON }])
    expect(readBasicUsersFile('rel.json', dir)).toHaveLength(1)
  })

  it('refuses a plain password, a username with ":" or repeated, a missing username', () => {
    const cases: [unknown, string][] = [
      [[{ username: 'ada', password_hash: 'lovelace' }], 'entry 1: password_hash must be an argon2id or scrypt hash'],
      [[{ username: 'ada' }], 'entry 1: password_hash must be an argon2id or scrypt hash'],
      [[{ username: 'ada', password_hash: 12 }], 'entry 1: password_hash must be'],
      [[{ username: 'a:b', password_hash: ARGON }], 'entry 1: username may not contain ":" (Basic auth splits on it)'],
      [[{ username: 'ada', password_hash: ARGON }, { username: 'ada', password_hash: SCRYPT }], 'entry 2: repeats the username "ada"'],
      [[{ password_hash: ARGON }], 'entry 1: username must be a non-empty string'],
      [[{ username: 'ada', password_hash: ARGON, groups: 'ok', scopes: [true] }], 'entry 1: scopes must be a list of strings'],
      ['just text', 'must be a list of entries'],
    ]
    for (const [content, problem] of cases) {
      const path = json('users.json', content)
      const error = refusal(() => readBasicUsersFile(path))
      expect(error.origin).toBe('SERVAL_BASIC_USERS_FILE')
      expect(error.message, JSON.stringify(content)).toContain(`SERVAL_BASIC_USERS_FILE: ${path}: ${problem}`)
    }
  })
})
