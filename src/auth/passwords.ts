import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** The hash formats a `basic_users_file` may hold. */
export type PasswordHashKind = 'argon2id' | 'scrypt'

// scrypt N = 2^15, r = 8, p = 1: 32 MiB and 100-250 ms per check (OWASP's minimum for scrypt).
const SCRYPT = { ln: 15, r: 8, p: 1 }
const KEY_LENGTH = 32
const SCRYPT_FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})={0,2}\$([A-Za-z0-9+/]{43,})={0,2}$/
const ARGON2ID_FORMAT = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/

/**
 * The kind of a stored password hash, or undefined when the text is not
 * one (a plain password, a truncated hash, another algorithm).
 *
 * @example
 * ```ts
 * passwordHashKind('$argon2id$v=19$m=19456,t=2,p=1$…$…') // 'argon2id'
 * passwordHashKind('hunter2') // undefined
 * ```
 */
export function passwordHashKind(text: string): PasswordHashKind | undefined {
  if (ARGON2ID_FORMAT.test(text)) return 'argon2id'
  if (SCRYPT_FORMAT.test(text)) return 'scrypt'
  return undefined
}

/**
 * Hashes a password for a `basic_users_file`: argon2id (OWASP's
 * parameters: 19 MiB, 2 passes) or, with `kind: 'scrypt'`, scrypt from
 * node:crypto in a PHC-style string `$scrypt$ln=15,r=8,p=1$salt$hash`.
 *
 * @example
 * ```ts
 * const hash = await hashPassword('correct horse battery staple') // '$argon2id$v=19$…'
 * ```
 */
export async function hashPassword(password: string, kind: PasswordHashKind = 'argon2id'): Promise<string> {
  if (kind === 'argon2id') {
    const { hash } = await import('@node-rs/argon2')
    return hash(password) // the package's default algorithm is argon2id
  }
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, SCRYPT)
  return `$scrypt$ln=${SCRYPT.ln},r=${SCRYPT.r},p=${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

/**
 * Checks a password against a stored hash, in constant time for a given
 * hash (argon2's own comparison; `timingSafeEqual` for scrypt). A hash of
 * neither format never matches.
 *
 * @example
 * ```ts
 * await verifyPassword(user.password_hash, password) // true or false
 * ```
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const kind = passwordHashKind(stored)
  if (kind === 'argon2id') {
    const { verify } = await import('@node-rs/argon2')
    return verify(stored, password)
  }
  if (kind !== 'scrypt') return false
  const [, ln, r, p, salt, expected] = SCRYPT_FORMAT.exec(stored)!
  const want = Buffer.from(expected!, 'base64')
  const got = await scrypt(password, Buffer.from(salt!, 'base64'), { ln: Number(ln), r: Number(r), p: Number(p) }, want.length)
  return timingSafeEqual(got, want)
}

function scrypt(password: string, salt: Buffer, cost: { ln: number; r: number; p: number }, length = KEY_LENGTH): Promise<Buffer> {
  const N = 2 ** cost.ln
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r }
  return new Promise((resolve, reject) => scryptCallback(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))))
}
