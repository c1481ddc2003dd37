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
