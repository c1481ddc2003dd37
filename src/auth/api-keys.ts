import { createHash, timingSafeEqual } from 'node:crypto'
import type { ApiKeyEntry } from './credential-files.ts'
import { unauthorized } from './challenge.ts'
import type { Principal } from './principal.ts'

/**
 * The keys of `api_keys_file`, by the SHA-256 of the key: a lookup hashes
 * what the client sent, so the file and the memory hold no key, and the
 * final comparison is `timingSafeEqual` on the digests.
 *
 * @example
 * ```ts
 * const keys = new ApiKeys(readApiKeysFile(file))
 * keys.principal('sk_live_…') // { sub: 'billing', scopes: […], … }
 * ```
 */
export class ApiKeys {
  readonly #byDigest = new Map<string, { entry: ApiKeyEntry; digest: Buffer; principal: Principal }>()

  constructor(entries: readonly ApiKeyEntry[]) {
    for (const entry of entries) {
      const claims = { sub: entry.sub, scope: entry.scopes.join(' '), groups: [...entry.groups], amr: ['api_key'] }
      this.#byDigest.set(entry.keySha256, { entry, digest: Buffer.from(entry.keySha256, 'hex'), principal: { sub: entry.sub, scopes: entry.scopes, groups: entry.groups, claims } })
    }
  }

  /** The principal of a key; a 401 for an unknown one, the empty key included (a key that was sent is never ignored). */
  principal(key: string): Principal {
    const digest = createHash('sha256').update(key).digest()
    const found = this.#byDigest.get(digest.toString('hex'))
    if (!found || !timingSafeEqual(found.digest, digest)) throw unauthorized('The API key (X-API-Key) is not valid', 'invalid_token')
    return found.principal
  }
}
