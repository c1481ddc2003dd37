import { createHash } from 'node:crypto'
import { encodeMultihash } from '../version/functions-version.ts'

/** What a transport sets while it serialises one answer: where hrefs point, and the assets met. */
const capture: { base: ((arg: never) => string) | undefined; arg: unknown; found: Asset[] } = { base: undefined, arg: undefined, found: [] }

/**
 * Bytes inside a JSON output. Serialised (by `JSON.stringify` or the
 * output schema's serializer, both call `toJSON`) as `{ href, contentType,
 * size }`; the transport that serialises it stores the bytes under the
 * multihash id. Its own fields already have that shape, so an output
 * schema that declares them accepts it.
 *
 * @example
 * ```ts
 * return { thumbnail: asset(pngBytes, 'image/png') }
 * ```
 */
export class Asset {
  href = ''
  readonly contentType: string
  readonly size: number
  readonly #bytes: Uint8Array
  #id: string | undefined

  constructor(bytes: Uint8Array, contentType: string) {
    this.#bytes = bytes
    this.contentType = contentType
    this.size = bytes.byteLength
  }

  /** The sha2-256 multihash of the bytes, base58btc (`zQm…`). */
  get id(): string {
    return (this.#id ??= encodeMultihash(0x12, createHash('sha256').update(this.#bytes).digest()))
  }

  get bytes(): Uint8Array {
    return this.#bytes
  }

  toJSON(): { href: string; contentType: string; size: number } {
    if (capture.base !== undefined) capture.found.push(this)
    return { href: `${capture.base?.(capture.arg as never) ?? ''}/assets/${this.id}`, contentType: this.contentType, size: this.size }
  }
}

/**
 * Marks bytes in a JSON output as an asset (see {@link Asset}).
 *
 * @example
 * ```ts
 * export const chart = action({}, () => ({ image: asset(png, 'image/png') }))
 * ```
 */
export function asset(bytes: Uint8Array, contentType: string): Asset {
  return new Asset(bytes, contentType)
}

/**
 * Serialises `value` and returns its text with the assets it met (an empty
 * array, shared, when none: the common case allocates nothing). `base(arg)`
 * gives the hrefs' origin, asked only when an asset is met; the function
 * and its argument are passed apart so a caller needs no closure per call.
 *
 * @example
 * ```ts
 * const [body, assets] = serializeCapturing(JSON.stringify, output, (req: Req) => originOf(req), request)
 * ```
 */
export function serializeCapturing<V, A>(serialize: (value: V) => string, value: V, base: (arg: A) => string, arg: A): [string, readonly Asset[]] {
  const [beforeBase, beforeArg] = [capture.base, capture.arg]
  capture.base = base as (arg: never) => string
  capture.arg = arg
  try {
    const body = serialize(value)
    if (capture.found.length === 0) return [body, NONE]
    return [body, capture.found.splice(0)]
  } finally {
    capture.base = beforeBase
    capture.arg = beforeArg
    if (capture.found.length !== 0) capture.found.length = 0 // a length write is not free: only when a throw left some
  }
}

const NONE: readonly Asset[] = Object.freeze([])
