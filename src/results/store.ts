import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

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
 * Stored results in `data_dir/results`, one file per result written
 * atomically (tmp + rename). An expired result is removed when read.
 *
 * @example
 * ```ts
 * const store = new ResultStore(join(dataDir, 'results'))
 * const id = await store.save(result)
 * ```
 */
export class ResultStore {
  readonly #dir: string

  constructor(dir: string) {
    this.#dir = dir
    mkdirSync(dir, { recursive: true })
  }

  async save(result: StoredResult): Promise<string> {
    const id = randomBytes(16).toString('base64url')
    const file = join(this.#dir, `${id}.json`)
    const record = { status: result.status, contentType: result.contentType, owner: result.owner, expiresAt: result.expiresAt, body: result.body.toString('base64') }
    await writeFile(`${file}.tmp`, JSON.stringify(record))
    await rename(`${file}.tmp`, file)
    return id
  }

  /** The result, or undefined for an unknown, malformed or expired id. */
  async get(id: string): Promise<StoredResult | undefined> {
    if (!ID.test(id)) return undefined
    const file = join(this.#dir, `${id}.json`)
    let record: Omit<StoredResult, 'body'> & { body: string }
    try {
      record = JSON.parse(await readFile(file, 'utf8')) as typeof record
    } catch {
      return undefined
    }
    if (record.expiresAt <= Date.now()) return void (await unlink(file).catch(() => undefined))
    return { ...record, body: Buffer.from(record.body, 'base64') }
  }
}
