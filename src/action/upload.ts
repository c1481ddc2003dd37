import { Type, type TUnsafe } from '@sinclair/typebox'

/**
 * The schema of an uploaded file: `{ type: 'string', format: 'binary' }`,
 * typed as a web `File`. An action whose input has one takes
 * `multipart/form-data`: the part arrives as a `File` streamed to disk
 * (at most `upload_limit` bytes), and OpenAPI documents the form. With zod,
 * `z.file()` is the same thing.
 *
 * @example
 * ```ts
 * export const avatar = action({
 *   input: Type.Object({ photo: upload({ description: 'A PNG or JPEG' }), caption: Type.Optional(Type.String()) }),
 * }, async ({ photo }) => ({ bytes: photo.size, type: photo.type }))
 * ```
 */
export function upload(options: { description?: string; title?: string } = {}): TUnsafe<File> {
  return Type.Unsafe<File>({ ...options, type: 'string', format: 'binary' })
}
