import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { writeWhole } from '../internal/write-whole.ts'
import { MAX_ASSET_BYTES } from '../assets/store.ts'
import { ServalError } from '../errors/index.ts'

/**
 * One stored answer: what `GET /results/{id}` sends back, whose it is
 * (`owner`: the caller's `sub`, null for an anonymous call) and until when.
 *
 * @example
 * ```ts
 * const r: StoredResult = { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from('{}'), owner: 'alice', expiresAt: Date.now() + 60_000 }
 * ```
 */
export interface StoredResult {
  readonly status: number
  readonly contentType: string | undefined
  readonly body: Buffer
  readonly owner: string | null
  readonly expiresAt: number
}

/** Ids are 128 random bits, base64url: anything else is not one, and never reaches the file system. */
const ID = /^[A-Za-z0-9_-]{22}$/

/**
 * Where stored results live: files in `data_dir/results`, or Redis with
 * `redis_url` (every instance reads what any stored).
 *
 * @example
 * ```ts
 * const id = await store.save({ status: 200, contentType: 'application/json', body, owner: null, expiresAt })
 * await store.get(id)
 * ```
 */
export interface ResultStore {
  save(result: StoredResult): Promise<string>
  get(id: string): Promise<StoredResult | undefined>
  /** Removes what has expired (Redis expires keys itself). */
  sweep?(): Promise<number>
  close?(): Promise<void>
}

/** A new result id: 128 random bits, base64url. */
export function newResultId(): string {
  return randomBytes(16).toString('base64url')
}

/** True for a text shaped like a result id (anything else is never looked up). */
export function isResultId(id: string): boolean {
  return ID.test(id)
}

/**
 * The most bytes one stored result's body may hold: as for an asset (64
 * MiB), since a result is read whole to be sent and, with Redis, kept in
 * its memory and sent in one command. A larger answer is a 500
 * `invalid-output` problem and nothing is stored, rather than a Location
 * that could not be read back.
 */
export const MAX_RESULT_BYTES = MAX_ASSET_BYTES

/**
 * A result as both stores keep it: one JSON line (status, content type,
 * owner, expiry), a newline, then the body's bytes as they are (no base64,
 * which would make a 64 MiB body 85 MiB, held twice while encoding).
 * Throws past {@link MAX_RESULT_BYTES}.
 *
 * @example
 * ```ts
 * await redis.set(key, encodeResult(result))
 * ```
 */
export function encodeResult(result: StoredResult): Buffer {
  if (result.body.byteLength > MAX_RESULT_BYTES) throw new ServalError('invalid-output', { detail: `A stored result may hold at most ${MAX_RESULT_BYTES} bytes; this one has ${result.body.byteLength}` })
  const head = JSON.stringify({ status: result.status, contentType: result.contentType, owner: result.owner, expiresAt: result.expiresAt })
  return Buffer.concat([Buffer.from(`${head}\n`), result.body])
}

/**
 * The result stored bytes hold, or undefined when they are not one. Also
 * reads the form of earlier versions (one JSON text, the body base64 in
 * it), so results stored before an upgrade stay readable until they expire.
 *
 * @example
 * ```ts
 * const result = decodeResult(await readFile(file))
 * ```
 */
export function decodeResult(bytes: Buffer): StoredResult | undefined {
  // JSON never holds a raw newline: the first one ends the head. Without one, it is the earlier form.
  const end = bytes.indexOf(10)
  try {
    const head = JSON.parse((end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8')) as Omit<StoredResult, 'body'> & { body?: unknown }
    if (typeof head !== 'object' || head === null || typeof head.expiresAt !== 'number' || typeof head.status !== 'number') return undefined
    const body = end !== -1 ? bytes.subarray(end + 1) : typeof head.body === 'string' ? Buffer.from(head.body, 'base64') : undefined
    return body === undefined ? undefined : { status: head.status, contentType: head.contentType, owner: head.owner ?? null, expiresAt: head.expiresAt, body }
  } catch {
    return undefined
  }
}

/** The expiry a stored result's file says, read from its head alone (a sweep need not read every body). */
async function expiryOf(file: string): Promise<number> {
  const handle = await open(file, 'r').catch(() => undefined)
  if (handle === undefined) return 0
  try {
    const head = Buffer.alloc(HEAD_BYTES)
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0)
    const end = head.subarray(0, bytesRead).indexOf(10)
    // A head longer than HEAD_BYTES (a very long owner), or the earlier form: read it whole.
    const record = end !== -1 ? decodeResult(head.subarray(0, end + 1)) : decodeResult(await handle.readFile())
    return record?.expiresAt ?? 0
  } catch {
    return 0
  } finally {
    await handle.close()
  }
}

/** Bytes a sweep reads of each result to find its head. */
const HEAD_BYTES = 4096

/**
 * Stored results in `data_dir/results`, one file per result written
 * atomically (tmp + rename). An expired result is removed when read, and
 * by {@link FileResultStore.sweep}, which the server runs periodically.
 *
 * @example
 * ```ts
 * const store = new FileResultStore(join(dataDir, 'results'))
 * const id = await store.save(result)
 * ```
 */
export class FileResultStore implements ResultStore {
  readonly #dir: string

  constructor(dir: string) {
    this.#dir = dir
    mkdirSync(dir, { recursive: true })
  }

  async save(result: StoredResult): Promise<string> {
    const id = newResultId()
    const file = join(this.#dir, `${id}.json`)
    await writeWhole(file, encodeResult(result))
    return id
  }

  /** The result, or undefined for an unknown, malformed or expired id. */
  async get(id: string): Promise<StoredResult | undefined> {
    if (!isResultId(id)) return undefined
    const file = join(this.#dir, `${id}.json`)
    const record = decodeResult(await readFile(file).catch(() => Buffer.alloc(0)))
    if (!record) return undefined
    if (record.expiresAt <= Date.now()) return void (await unlink(file).catch(() => undefined))
    return record
  }

  /**
   * Removes expired results (and a `.tmp` a crash left behind), so the
   * directory holds what is still readable. Reads only the `expiresAt` of
   * each file; returns how many went.
   */
  async sweep(): Promise<number> {
    const now = Date.now()
    let removed = 0
    for (const name of await readdir(this.#dir).catch(() => [] as string[])) {
      const file = join(this.#dir, name)
      const gone = name.endsWith('.tmp') ? (await stat(file).catch(() => undefined))!.mtimeMs < now - 3_600_000 : (await expiryOf(file)) <= now
      if (gone && (await unlink(file).then(() => true, () => false))) removed++
    }
    return removed
  }
}
