import { describe, expect, it } from 'vitest'
import { streamFormat } from './negotiate.ts'

describe('streamFormat', () => {
  it.each([
    [undefined, 'sse'],
    ['', 'sse'],
    ['*/*', 'sse'],
    ['text/event-stream', 'sse'],
    ['application/x-ndjson', 'ndjson'],
    ['application/x-ndjson, text/event-stream', 'sse'],
    ['text/event-stream;q=0.5, application/x-ndjson', 'ndjson'],
    ['application/x-ndjson;q=0.2, text/event-stream;q=0.9', 'sse'],
    ['application/x-ndjson;q=abc', 'sse'],
    ['application/json, application/x-ndjson;q=0.9', 'ndjson'],
    // Spaces around parameters, other parameters before q, q of a type without one.
    ['application/x-ndjson; q=0.2, text/event-stream; q=0.9', 'sse'],
    ['application/x-ndjson; q=0.9 , text/event-stream ; q=0.2', 'ndjson'],
    ['application/x-ndjson;level=1, text/event-stream;q=0.5', 'ndjson'],
    // Whitespace before the `;` (RFC 9110 allows it): the type is still application/x-ndjson.
    ['text/event-stream;q=0.5, application/x-ndjson ;q=0.9', 'ndjson'],
    ['APPLICATION/X-NDJSON;q=0.4, application/x-ndjson;q=0.6, text/event-stream;q=0.5', 'ndjson'],
  ])('Accept %j → %s', (accept, format) => {
    expect(streamFormat(accept)).toBe(format)
  })
})
