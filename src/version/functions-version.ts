import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { base58btc } from 'multiformats/bases/base58'
import { importedPackageVersions } from './packages.ts'

const SHA2_256 = 0x12
const SHA1 = 0x11

/** How the functions version is computed (SPEC §7). */
export type VersionMode = 'runtime' | 'git' | 'manual'

/**
 * Encodes a digest as a multihash in multibase base58btc (`z…`).
 *
 * @example
 * ```ts
 * encodeMultihash(0x12, sha256Bytes) // 'zQm…'
 * ```
 */
export function encodeMultihash(code: number, digest: Uint8Array): string {
  const bytes = new Uint8Array(digest.length + 2)
  bytes[0] = code
  bytes[1] = digest.length
  bytes.set(digest, 2)
  return base58btc.encode(bytes)
}

/** What the runtime version is computed from. */
export interface VersionInputs {
  mode: VersionMode
  files: readonly string[]
  cwd: string
  manual?: string | undefined
  /** The commit `git` mode uses instead of asking git (`git_commit`). */
  commit?: string | undefined
}

/**
 * The functions version: `runtime` hashes the Node version, every action
 * source file, the installed version of every package they import, and the
 * dependency lock file (sha2-256); `git` encodes the commit (`git_commit`,
 * else `git rev-parse HEAD`; sha1, so it decodes back to the commit);
 * `manual` is taken as given (settings checked it is a multihash).
 *
 * @example
 * ```ts
 * functionsVersion({ mode: 'runtime', files: ['examples/hello.ts'], cwd: process.cwd() })
 * ```
 */
export function functionsVersion(inputs: VersionInputs): string {
  if (inputs.mode === 'manual') {
    if (!inputs.manual) throw new Error('version_mode=manual needs functions_version (SERVAL_FUNCTIONS_VERSION)')
    return inputs.manual
  }
  if (inputs.mode === 'git') {
    const commit = inputs.commit ?? gitCommit(inputs.cwd)
    return encodeMultihash(commit.length === 64 ? SHA2_256 : SHA1, Buffer.from(commit, 'hex'))
  }
  const hash = createHash('sha256').update(`node ${process.version}\n`)
  const files = [...new Set(inputs.files)].sort()
  for (const file of files) hash.update(`file ${file}\n`).update(readFileSync(resolve(inputs.cwd, file)))
  // An upgraded dependency changes what the code does even when no lock file says so (none, or another tool's).
  for (const [name, version] of importedPackageVersions(files.map((f) => resolve(inputs.cwd, f)))) hash.update(`package ${name}@${version}\n`)
  const lock = resolve(inputs.cwd, 'package-lock.json')
  if (existsSync(lock)) hash.update('lock\n').update(readFileSync(lock))
  return encodeMultihash(SHA2_256, hash.digest())
}

function gitCommit(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    throw new Error('version_mode=git but `git rev-parse HEAD` failed here; use runtime or manual')
  }
}
