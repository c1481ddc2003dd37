import { problemResponse } from '../openapi/schemas.ts'

type Json = Record<string, any>

/**
 * Adds `GET /assets/{id}` to the OpenAPI document, and the `Asset` link
 * that outputs carry in place of the bytes.
 *
 * @example
 * ```ts
 * addAssetsOpenApi(doc)
 * doc.paths['/assets/{id}'].get.operationId // '_getAsset'
 * ```
 */
export function addAssetsOpenApi(doc: Json): void {
  doc.tags = [...(doc.tags ?? []), { name: 'assets', description: 'Bytes that outputs link to, content-addressed and immutable' }]
  doc.components.schemas.Asset ??= {
    type: 'object',
    required: ['href', 'contentType', 'size'],
    properties: { href: { type: 'string', format: 'uri' }, contentType: { type: 'string' }, size: { type: 'integer', minimum: 0 } },
    description: 'What an output holds where the action returned `asset(bytes, contentType)`',
  }
  const headers = {
    ETag: { schema: { type: 'string' } },
    'Cache-Control': { schema: { type: 'string', example: 'public, max-age=31536000, immutable' } },
    'Accept-Ranges': { schema: { type: 'string', enum: ['bytes'] } },
  }
  doc.paths['/assets/{id}'] = {
    get: {
      operationId: '_getAsset',
      tags: ['assets'],
      summary: 'The bytes of an asset',
      description: 'Served with their content type; `Range` (one range) gives a 206, `If-None-Match` a 304.',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The multihash (sha2-256, base58btc) of the bytes' },
        { name: 'Range', in: 'header', required: false, schema: { type: 'string', example: 'bytes=0-1023' } },
      ],
      responses: {
        '200': { description: 'The bytes', headers, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
        '206': { description: 'The range asked for', headers: { ...headers, 'Content-Range': { schema: { type: 'string' } } }, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
        '304': { description: 'Not modified', headers },
        '404': problemResponse('No such asset'),
        '416': problemResponse('The range is outside the bytes'),
      },
    },
  }
}
