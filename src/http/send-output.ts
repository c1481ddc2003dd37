import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import { isFileOutput } from '../action/file.ts'
import { isRedirect } from '../action/redirect.ts'
import type { App } from '../app/app.ts'
import type { CompiledAction } from '../core/registry.ts'
import { serializeJson, storeAssets } from './json-output.ts'

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * Sends an action's checked output: 204 for nothing, a file response for
 * bytes, `Blob`s and `file()` values, else JSON serialised through the
 * output schema (fields it does not name are not sent), its assets stored first.
 */
export function sendOutput(app: App, reply: FastifyReply, action: CompiledAction, output: unknown): FastifyReply | Promise<FastifyReply> {
  if (output === undefined) return reply.code(204).send()
  if (typeof output === 'object' && output !== null && !Array.isArray(output)) {
    if (isFileOutput(output)) return sendBytes(reply, output.body, output.contentType, output.filename)
    // Over REST a redirect is data for the client ({ location, status }), not a 3xx to follow: see docs/web.md.
    if (isRedirect(output)) return reply.header('content-type', JSON_TYPE).send(JSON.stringify(output))
    if (output instanceof Uint8Array) return sendBytes(reply, output, 'application/octet-stream')
    if (typeof Blob !== 'undefined' && output instanceof Blob) return sendBlob(reply, output)
    if (output instanceof ReadableStream) return sendBytes(reply, output, 'application/octet-stream')
  }
  const [body, assets] = serializeJson(app, reply.request, action, output)
  reply.header('content-type', JSON_TYPE)
  return assets.length === 0 ? reply.send(body) : storeAssets(app, assets).then(() => reply.send(body))
}

function sendBytes(
  reply: FastifyReply,
  body: Uint8Array | ReadableStream<Uint8Array>,
  contentType: string,
  filename?: string,
): FastifyReply {
  reply.header('content-type', contentType)
  if (filename) reply.header('content-disposition', `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`)
  if (body instanceof Uint8Array) return reply.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  return reply.send(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>))
}

async function sendBlob(reply: FastifyReply, blob: Blob): Promise<FastifyReply> {
  return sendBytes(reply, new Uint8Array(await blob.arrayBuffer()), blob.type || 'application/octet-stream')
}
