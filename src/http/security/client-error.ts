import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { ServalError } from '../../errors/index.ts'

/** What Node's HTTP parser rejects before Fastify sees a request, mapped onto the registry. */
const PARSER_ERRORS: Record<string, [code: string, detail: string]> = {
  HPE_HEADER_OVERFLOW: ['headers-too-large', 'The request line and headers are over max_header_size'],
  ERR_HTTP_REQUEST_TIMEOUT: ['request-timeout', 'The request took longer than request_timeout_s'],
}

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refuses (headers
 * over `max_header_size`, malformed HTTP, a request timeout) still gets a
 * problem document: 431, 408 or 400, then the connection closes. Like
 * Node's own handler, it only answers when no response is under way.
 *
 * @example
 * ```ts
 * Fastify({ clientErrorHandler })
 * ```
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  // As Node does: never write into a response already under way on this (keep-alive) socket.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (!socket.writable || inFlight?.headersSent) return void socket.destroy()
  const [code, detail] = PARSER_ERRORS[error.code ?? ''] ?? ['bad-request', 'The request is not valid HTTP']
  const problem = new ServalError(code, { detail }).toProblem()
  const body = JSON.stringify(problem)
  const head = `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`
  socket.end(head + body)
  // end() waits for the client; one still streaming a huge header must not hold the socket.
  const timer = setTimeout(() => socket.destroy(), 2_000).unref()
  socket.once('close', () => clearTimeout(timer))
}
