import { bases } from 'multiformats/basics'
import { decode as decodeDigest } from 'multiformats/hashes/digest'

const decoders = Object.values(bases)

/**
 * What is wrong with a text that should be a multibase multihash (the
 * form every functionsVersion takes), or undefined when it is one: a known
 * multibase prefix, then a hash code, a length, and exactly that many bytes.
 *
 * @example
 * ```ts
 * multihashProblem('zQmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG') // undefined
 * multihashProblem('v1.2.3') // 'must be a multibase multihash …'
 * ```
 */
export function multihashProblem(text: string): string | undefined {
  const base = decoders.find((b) => b.prefix === text[0])
  if (!base) return 'must be a multibase multihash (e.g. zQm… in base58btc); the first character names no multibase'
  try {
    decodeDigest(base.decode(text))
    return undefined
  } catch (error) {
    return `must be a multibase multihash (e.g. zQm… in base58btc): ${(error as Error).message}`
  }
}
