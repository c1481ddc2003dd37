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
