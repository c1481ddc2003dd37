import type { WebSocket } from 'ws'

/**
 * WebSocket close codes Serval uses.
 *
 * @example
 * ```ts
 * socket.close(CLOSE.tryAgainLater, 'too slow')
 * ```
 */
export const CLOSE = { normal: 1000, goingAway: 1001, tryAgainLater: 1013 } as const

/**
 * Sends on a socket unless the peer has stopped reading: once the unsent
 * data passes `maxBuffer` the socket is closed with 1013 (try again later)
 * and nothing more is queued, so a slow subscriber costs at most
 * `maxBuffer` plus one frame of memory.
 *
 * @example
 * ```ts
 * const send = guardedSender(socket, 1_048_576)
 * send('{"channel":"messenger","event":{"text":"hi"}}')
 * ```
 */
export function guardedSender(socket: WebSocket, maxBuffer: number): (text: string) => boolean {
  let closing = false
  return (text) => {
    if (closing || socket.readyState !== socket.OPEN) return false
    if (socket.bufferedAmount > maxBuffer) {
      closing = true
      socket.close(CLOSE.tryAgainLater, 'too slow: unsent data passed ws_max_buffer')
      // The close frame waits behind the unsent data; a peer that never reads is cut after a moment.
      setTimeout(() => socket.terminate(), 10_000).unref()
      return false
    }
    socket.send(text)
    return true
  }
}

const alive = new WeakSet<WebSocket>()

/**
 * Pings every socket each `intervalMs`; a socket that did not answer the
 * previous ping (a dead peer, a half-open TCP connection) is terminated.
 * One timer for all sockets. Returns the function that stops it.
 *
 * @example
 * ```ts
 * const stop = startHeartbeat(wss.clients, 30_000)
 * ```
 */
export function startHeartbeat(clients: Set<WebSocket>, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const socket of clients) {
      if (!alive.has(socket)) {
        socket.terminate()
        continue
      }
      alive.delete(socket)
      socket.ping()
    }
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * Marks a new socket alive, and alive again on every pong.
 *
 * @example
 * ```ts
 * watchPongs(socket)
 * ```
 */
export function watchPongs(socket: WebSocket): void {
  alive.add(socket)
  socket.on('pong', () => alive.add(socket))
}
