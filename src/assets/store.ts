import { mkdirSync } from 'node:fs'
import { access, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeWhole } from '../internal/write-whole.ts'
import type { Asset } from './asset.ts'

/** A base58btc multihash: anything else is not an id and never reaches the file system. */
const ID = /^z[1-9A-HJ-NP-Za-km-z]{40,60}$/

/**
 * Content-addressed assets in `data_dir/assets`: `<id>` holds the bytes,
 * `<id>.type` the content type. Written once (tmp + rename); the same bytes
 * are never written twice.
 *
 * @example
 * ```ts
 * await store.put(asset(bytes, 'image/png'))
 * ```
 */
export class AssetStore {
  readonly #dir: string

  constructor(dir: string) {
    this.#dir = dir
    mkdirSync(dir, { recursive: true })
  }

  async put(asset: Asset): Promise<void> {
    const file = join(this.#dir, asset.id)
    if (await access(file).then(() => true, () => false)) return
    await writeFile(`${file}.type`, asset.contentType)
    await writeWhole(file, asset.bytes)
  }

  /** The bytes and content type, or undefined for an unknown or malformed id. */
  async get(id: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
    if (!ID.test(id)) return undefined
    try {
      const [bytes, contentType] = await Promise.all([readFile(join(this.#dir, id)), readFile(join(this.#dir, `${id}.type`), 'utf8')])
      return { bytes, contentType }
    } catch {
      return undefined
    }
  }
}
