import { connect } from 'node:net'

/** Counts handler runs per name, so a test can tell a hit (no run) from a miss. */
export const runs = new Map<string, number>()

/** Records one run of `name` and returns the new count. */
export function ran(name: string): number {
  const n = (runs.get(name) ?? 0) + 1
  runs.set(name, n)
  return n
}

/** Sends one raw HTTP/1.1 request and returns everything the server wrote until it closed. */
export function rawRequest(url: string, lines: string[]): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${lines.join('\r\n')}\r\nconnection: close\r\n\r\n`))
    let data = ''
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')))
    socket.on('data', (chunk) => (data += chunk.toString('latin1')))
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
}
