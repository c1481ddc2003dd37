import { createWriteStream, openAsBlob } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Busboy } from '@fastify/busboy'
import { ServalError } from '../../errors/index.ts'
import { invalidInput } from '../../schema/index.ts'

/** Text parts and parts in all: enough for any form, too few to exhaust the server. */
const MAX_FIELDS = 200
const MAX_FILES = 20
const MAX_FIELD_BYTES = 65_536

/**
 * A parsed `multipart/form-data` body: each part under its name (a repeated
 * name is a list), file parts as web `File`s backed by temporary files on
 * disk. `dispose()` removes them once the answer is sent.
 *
 * @example
 * ```ts
 * const form = await readMultipart(request.raw, request.headers, { dir, limit, files: new Set(['photo']) })
 * form.fields.photo // File
 * await form.dispose()
 * ```
 */
export class MultipartBody {
  constructor(
    readonly fields: Record<string, unknown>,
    readonly dir: string,
  ) {}

  dispose(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true })
  }
}

/** What a form may hold. */
export interface MultipartLimits {
  /** Where the request's temporary directory is made. */
  readonly dir: string
  /** Bytes one file part may hold (`upload_limit`). */
  readonly limit: number
  /** The dotted names that may carry a file (the input's binary properties). */
  readonly files: ReadonlySet<string>
}

/**
 * Streams a multipart body: files to disk (memory stays bounded whatever
 * their size), text parts to strings. A file part over the limit is a 413;
 * a file where the input has no file property is a 422. On any error the
 * temporary files are removed before it is thrown.
 *
 * @example
 * ```ts
 * const form = await readMultipart(stream, headers, { dir: '.serval/uploads', limit: 10 * 2 ** 20, files: new Set(['photo']) })
 * ```
 */
export async function readMultipart(payload: Readable, headers: IncomingHttpHeaders, limits: MultipartLimits): Promise<MultipartBody> {
  const dir = await mkdtemp(join(limits.dir, 'req-'))
  const body = new MultipartBody({}, dir)
  try {
    await parse(payload, headers, limits, body)
    return body
  } catch (error) {
    await body.dispose()
    throw error
  }
}

function parse(payload: Readable, headers: IncomingHttpHeaders, limits: MultipartLimits, body: MultipartBody): Promise<void> {
  return new Promise((resolve, reject) => {
    let busboy: InstanceType<typeof Busboy>
    try {
      busboy = new Busboy({ headers: headers as IncomingHttpHeaders & { 'content-type': string }, limits: { fileSize: limits.limit, files: MAX_FILES, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, fieldNameSize: 200 } })
    } catch (error) {
      return reject(new ServalError('bad-request', { detail: `Not a multipart/form-data body: ${(error as Error).message}` }))
    }
    const writes: Promise<void>[] = []
    let failed = false
    const fail = (error: unknown) => {
      if (failed) return
      failed = true
      payload.unpipe(busboy)
      payload.resume() // the rest of the body is read and dropped, so the answer can be sent
      Promise.allSettled(writes).then(() => reject(error))
    }
    busboy.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (valueTruncated) return fail(tooLarge(`The text part "${name}" is over ${MAX_FIELD_BYTES} bytes`))
      add(body.fields, name, value)
    })
    busboy.on('file', (name: string, stream: Readable, filename: string, _encoding: string, mimeType: string) => {
      if (failed) return void stream.resume()
      if (!limits.files.has(fieldPath(name))) {
        stream.resume()
        return fail(invalidInput([{ path: `/${fieldPath(name).split('.').join('/')}`, message: `"${name}" takes no file: this action's file properties are ${[...limits.files].join(', ') || 'none'}` }]))
      }
      writes.push(saveFile(stream, body, name, filename, mimeType, limits).catch((error: unknown) => fail(error)))
    })
    for (const event of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) busboy.on(event, () => fail(tooLarge(`The form has too many parts (at most ${MAX_FILES} files and ${MAX_FIELDS} text parts)`)))
    busboy.on('error', (error: Error) => fail(new ServalError('bad-request', { detail: `Malformed multipart/form-data body: ${error.message}` })))
    busboy.on('finish', () => {
      Promise.all(writes).then(() => failed || resolve(), fail)
    })
    payload.on('error', fail)
    payload.pipe(busboy)
  })
}

let counter = 0

async function saveFile(stream: Readable, body: MultipartBody, name: string, filename: string, mimeType: string, limits: MultipartLimits): Promise<void> {
  const path = join(body.dir, String(counter++))
  let over = false
  stream.on('limit', () => (over = true))
  await pipeline(stream, createWriteStream(path))
  if (over) throw tooLarge(`The file part "${name}" is over upload_limit (${limits.limit} bytes)`)
  const type = mimeType || 'application/octet-stream'
  add(body.fields, name, new File([await openAsBlob(path, { type })], filename || name, { type }))
}

/** `a[]`, `a[0]` and `a[b]` as the dotted path the schema walk gives: `a`, `a`, `a.b`. */
function fieldPath(name: string): string {
  return name.replace(/\[\d*\]$/, '').replace(/\[([^\]]+)\]/g, '.$1')
}

function add(fields: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') return
  const prev = fields[name]
  fields[name] = prev === undefined ? value : ([] as unknown[]).concat(prev, value)
}

function tooLarge(detail: string): ServalError {
  return new ServalError('payload-too-large', { detail })
}
