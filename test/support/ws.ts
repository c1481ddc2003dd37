import { connect } from 'node:net'
import { WebSocket, type ClientOptions } from 'ws'

/** A WebSocket client whose frames are read in order, each awaited (bounded). */
export interface WsClient {
  readonly socket: WebSocket
  /** The next text frame, parsed. */
  next(timeoutMs?: number): Promise<any>
  /** Frames until `predicate` holds for one, which is returned (the others are dropped). */
  until(predicate: (frame: any) => boolean, timeoutMs?: number): Promise<any>
  send(frame: unknown): void
  /** Resolves with the close code once the server closes the socket. */
  readonly closed: Promise<number>
  close(): Promise<void>
}

/** Opens a WebSocket to `url` (ws://…) and resolves once it is open. */
export async function openWs(url: string, options: ClientOptions = {}): Promise<WsClient> {
  const socket = new WebSocket(url, options)
  const queue: any[] = []
  const waiters: ((frame: any) => void)[] = []
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data))
    const waiter = waiters.shift()
    if (waiter) waiter(frame)
    else queue.push(frame)
  })
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const next = (timeoutMs = 10_000) =>
    queue.length
      ? Promise.resolve(queue.shift())
      : new Promise<any>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no frame in time')), timeoutMs)
          waiters.push((frame) => {
            clearTimeout(timer)
            resolve(frame)
          })
        })
  return {
    socket,
    next,
    async until(predicate, timeoutMs = 10_000) {
      for (;;) {
        const frame = await next(timeoutMs)
        if (predicate(frame)) return frame
      }
    },
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    closed,
    async close() {
      if (socket.readyState === socket.CLOSED) return
      socket.close()
      await closed
    },
  }
}

/** The HTTP answer to an upgrade request the server refused, read from a raw socket (no client library in between). */
export interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

/** Sends a WebSocket upgrade request over a raw TCP socket and reads the server's answer until it closes the connection. */
export function rawUpgrade(httpUrl: string, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(httpUrl)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let text = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer to the upgrade of ${path}:\n${text}`))
    }, 10_000)
    socket.on('data', (d) => (text += d))
    socket.on('error', reject)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(parseAnswer(text))
    })
    const lines = [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==']
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`)
    socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  })
}

function parseAnswer(text: string): RawAnswer {
  const [head = '', ...rest] = text.split('\r\n\r\n')
  const [statusLine = '', ...headerLines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const i = line.indexOf(':')
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim()
  }
  let body = rest.join('\r\n\r\n')
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body)
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

function unchunk(body: string): string {
  let out = ''
  let rest = body
  for (;;) {
    const i = rest.indexOf('\r\n')
    const size = parseInt(rest.slice(0, i), 16)
    if (!size) return out
    out += rest.slice(i + 2, i + 2 + size)
    rest = rest.slice(i + 2 + size + 2)
  }
}

/** The ws:// URL of a path on an http:// server. */
export function wsUrl(httpUrl: string, path: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}${path}`
}
