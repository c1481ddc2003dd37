const FILE_BRAND = Symbol.for('serval.file')

/**
 * A binary output with its content type; sent as a file response.
 *
 * @example
 * ```ts
 * export const logo = action({ http: 'GET' }, () => file(pngBytes, 'image/png', 'logo.png'))
 * ```
 */
export interface FileOutput {
  readonly [FILE_BRAND]: true
  readonly body: Uint8Array | ReadableStream<Uint8Array>
  readonly contentType: string
  readonly filename: string | undefined
}

/** Wraps bytes or a stream as a file response with a content type and an optional download name. */
export function file(body: Uint8Array | ReadableStream<Uint8Array>, contentType: string, filename?: string): FileOutput {
  return { [FILE_BRAND]: true, body, contentType, filename }
}

/** True for a `file()` value. */
export function isFileOutput(value: unknown): value is FileOutput {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FILE_BRAND] === true
}

/**
 * True for an output that is bytes rather than JSON: a `file()`, a
 * `Uint8Array`, a `Blob` or a `ReadableStream`. Only HTTP can send one;
 * transports that carry JSON alone (jobs, `/ws`) refuse it by this test.
 *
 * @example
 * ```ts
 * isBinaryOutput(file(bytes, 'image/png')) // true
 * isBinaryOutput({ total: 3 }) // false
 * ```
 */
export function isBinaryOutput(value: unknown): boolean {
  return value instanceof Uint8Array || (typeof Blob !== 'undefined' && value instanceof Blob) || value instanceof ReadableStream || isFileOutput(value)
}

/** A binary output read whole: its bytes and the content type to send them with. */
export interface BinaryBytes {
  readonly body: Uint8Array
  readonly contentType: string
}

/**
 * A binary output's bytes, read to the end (a stream too), with its content
 * type: a `file()`'s own, a `Blob`'s, `application/octet-stream` otherwise.
 * Undefined for an output that is not binary. For the transports that must
 * hold the whole answer (a stored result, a Lambda response); HTTP streams
 * a live one instead.
 *
 * @example
 * ```ts
 * await readBinaryOutput(file(png, 'image/png')) // { body: png, contentType: 'image/png' }
 * await readBinaryOutput({ total: 3 }) // undefined
 * ```
 */
export async function readBinaryOutput(output: unknown): Promise<BinaryBytes | undefined> {
  if (isFileOutput(output)) return { body: await readAll(output.body), contentType: output.contentType }
  if (output instanceof Uint8Array) return { body: output, contentType: OCTETS }
  if (typeof Blob !== 'undefined' && output instanceof Blob) return { body: new Uint8Array(await output.arrayBuffer()), contentType: output.type || OCTETS }
  if (output instanceof ReadableStream) return { body: await readAll(output as ReadableStream<Uint8Array>), contentType: OCTETS }
  return undefined
}

const OCTETS = 'application/octet-stream'

async function readAll(body: Uint8Array | ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return body instanceof Uint8Array ? body : new Uint8Array(await new Response(body).arrayBuffer())
}
